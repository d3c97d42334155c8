import Neural
import Support
import TimeSeries

/// How far training in parts (the `auto` search) has come; not saved.
public struct TrainingParts: Sendable {
    /// Optimizer steps run so far, every part.
    public internal(set) var steps = 0
    /// Whether training has ended (early stopping or the epoch limit): another part would run nothing.
    public internal(set) var finished = false

    public init() {}

    init(steps: Int, finished: Bool) {
        self.steps = steps
        self.finished = finished
    }

    mutating func record(_ trainer: Trainer, resumed: Bool) {
        steps = (resumed ? steps : 0) + trainer.stepsRun
        finished = trainer.finished
    }
}

/// One training window: its input [L, F], its targets, what the head reads beside the last
/// state (the future covariates of its steps), and which targets were observed (nil: all).
struct TrainingSample {
    var input: [Float]
    var target: [Float]
    var headInputs: [Float] = []
    var observed: [Bool]?
}

/// Where the training of a fit starts.
public enum TrainingStart: Sendable, Equatable {
    /// New networks from the seed.
    case fresh
    /// The fitted networks, training on where they stopped on the same samples (epochs
    /// count on, `maxEpochs` counts them all; a warm restart of the optimizer): the parts of
    /// the `auto` search.
    case resume
    /// The fitted networks' weights, a new training on new data (epochs from 0, early
    /// stopping counting the starting weights): a warm refit at a later origin.
    case warm
}

/// What a training run did.
public struct TrainingReport: Sendable, Equatable, Codable {
    public var epochs = 0
    /// The epoch whose weights were kept (0: the starting weights).
    public var bestEpoch = 0
    public var bestValidationLoss = Double.infinity
    public var trainingSamples = 0
    public var validationSamples = 0
    /// After a search (`SettingsSearch`: `auto` scaling, `--search`): each candidate's
    /// validation MAE (in the data's units) after its first round, in the order probed; nil
    /// when there was one candidate.
    public var probes: [SearchProbe]?
    /// After a search of a many-to-one model: the scalings whose networks' forecasts are
    /// averaged (this model's first); nil when there was one candidate.
    public var combined: [RecurrentConfiguration.Normalization]?
}

/// Where training is, for a progress bar.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var trainingLoss: Double
    public var validationLoss: Double
    public var bestValidationLoss: Double
    public var learningRate: Double
}

/// The one training engine: epochs of batches (shuffled windows, or contiguous batches
/// that carry a state), the optimizer (`configuration.optimizer`), the learning-rate
/// schedule, gradient clipping over every network trained together, a stop with a clear
/// error on a NaN loss, the validation pass after every epoch with early stopping that
/// restores the best weights (the starting weights count as epoch 0), progress reports, and
/// training in several parts (`resuming`). Every strategy trains through `run`, with its
/// own batch step and validation pass; the rules they share (the validation criterion is
/// the training loss, the batch order's seed, the schedule) live here only.
struct Trainer {
    let configuration: RecurrentConfiguration
    /// The networks trained together: one, or an encoder and its decoder.
    let networks: [RecurrentNetwork]
    var progress: (@Sendable (TrainingProgress) -> Void)?
    /// Whether the last run ended by early stopping (patience ran out).
    private(set) var stoppedEarly = false
    /// Whether training has ended with the last run (early stopping, or `maxEpochs`
    /// reached counting every part): resuming would run nothing.
    private(set) var finished = false
    /// The batches (optimizer steps) the last run took.
    private(set) var stepsRun = 0
    /// Whether an epoch longer than `maxSteps` is cut at it (its first `maxSteps` batches of
    /// the shuffled order). Set for global fits, whose epoch over a large panel's windows can
    /// be many times the budget; a one-series fit runs whole epochs (at least one), as it
    /// always has, so its numbers do not move.
    var cutsLongEpochs = false

    init(configuration: RecurrentConfiguration, networks: [RecurrentNetwork],
         progress: (@Sendable (TrainingProgress) -> Void)? = nil) {
        precondition(!networks.isEmpty, "Trainer: no network to train")
        self.configuration = configuration
        self.networks = networks
        self.progress = progress
    }

    init(configuration: RecurrentConfiguration, network: RecurrentNetwork,
         progress: (@Sendable (TrainingProgress) -> Void)? = nil) {
        self.init(configuration: configuration, networks: [network], progress: progress)
    }

    /// How the batches of an epoch are laid out.
    enum Batches {
        /// Mini-batches of `batchSize` of the training samples 0..<samples, in a new shuffled
        /// order every epoch.
        case shuffled(samples: Int)
        /// Batches 0..<count in order every epoch (each a one-element slice: its index), for
        /// stateful training, whose rows carry their state from one batch to the next.
        case contiguous(count: Int)
    }

    /// The schedule of `configuration` for `epochs` epochs.
    func makeSchedule(epochs: Int) -> LearningRateSchedule {
        let base = configuration.learningRate
        switch configuration.schedule {
        case .constant: return LearningRateSchedule(.constant, base: base)
        case .plateau: return LearningRateSchedule(.reduceOnPlateau(factor: 0.5, patience: 3, minimum: base / 100), base: base)
        case .cosine: return LearningRateSchedule(.cosine(epochs: epochs, minimum: base / 100), base: base)
        case .step: return LearningRateSchedule(.step(every: 10, gamma: 0.5), base: base)
        }
    }

    /// The engine. `step` runs one batch (the sample indices of a shuffled batch, or the
    /// batch index of a contiguous one): forward, loss and backward into the networks'
    /// gradients, zeroed before; it returns the batch's loss (a non-finite one stops
    /// training with `diverged`) and its weight in the epoch's mean. The engine then clips
    /// and steps the optimizer. `validation` is the validation loss of the current weights
    /// (in the training loss), run before training and after every epoch; `startEpoch`
    /// runs before each epoch's first batch (a stateful strategy resets its state there).
    /// `report` holds the sample counts of a new run; `resuming` is the report of earlier
    /// training of the same networks on the same samples: epochs then continue its count
    /// (and `maxEpochs` counts them all), with a fresh optimizer and schedule (a warm
    /// restart).
    mutating func run(_ batches: Batches, report: TrainingReport, resuming earlier: TrainingReport? = nil,
                      validation: () -> Double, startEpoch: () -> Void = {},
                      step: (ArraySlice<Int>) throws -> (loss: Float, weight: Double)) throws -> TrainingReport {
        let c = configuration
        stoppedEarly = false
        stepsRun = 0
        if let earlier, earlier.epochs >= c.maxEpochs {  // `maxEpochs` counts every part: none left
            finished = true
            return earlier
        }
        let optimizers = networks.map { Optimizer(c.optimizerKind.rule, learningRate: c.learningRate, parameterCount: $0.parameters.count) }
        let done = earlier?.epochs ?? 0
        var generator = SplitMix64(seed: c.seed ^ 0x5EED_5EED ^ UInt64(done))
        var stopping = EarlyStopping(report: earlier ?? report, startingLoss: validation(), patience: c.patience,
                                     parameters: networks.map(\.parameters))
        let perEpoch = switch batches {
        case .shuffled(let samples): c.batches(samples: samples)
        case .contiguous(let count): count
        }
        var limits = c
        limits.maxEpochs = max(c.maxEpochs - done, 1)
        let epochs = limits.epochs(batchesPerEpoch: perEpoch)
        let batchesRun = cutsLongEpochs ? min(perEpoch, max(c.maxSteps, 1)) : perEpoch
        var schedule = makeSchedule(epochs: epochs)
        for epoch in (done + 1)...(done + max(epochs, 1)) {
            let rate = schedule.rate(epoch: epoch - done - 1)
            for optimizer in optimizers { optimizer.learningRate = rate }
            startEpoch()
            var order: [ArraySlice<Int>]
            switch batches {
            case .shuffled(let samples):
                let shuffled = shuffledIndices(samples, using: &generator)
                order = stride(from: 0, to: samples, by: c.batchSize).map { shuffled[$0..<min($0 + c.batchSize, samples)] }
            case .contiguous(let count):
                order = (0..<count).map { [$0][...] }
            }
            order = Array(order.prefix(batchesRun))
            var epochLoss = 0.0, epochWeight = 0.0
            for indices in order {
                for network in networks { network.zeroGradients() }
                let (value, weight) = try step(indices)
                guard value.isFinite else {
                    throw ForecastingError.diverged(epoch: epoch, detail: "the training loss is \(value)")
                }
                epochLoss += Double(value) * weight
                epochWeight += weight
                if c.clipNorm > 0 { GradientClipping.clipByGlobalNorm(networks.map(\.gradients), maxNorm: c.clipNorm) }
                for (optimizer, network) in zip(optimizers, networks) {
                    optimizer.update(network.parameters, gradients: network.gradients)
                }
            }
            let current = validation()
            schedule.observe(validationLoss: current)
            progress?(TrainingProgress(epoch: epoch, epochs: done + epochs, trainingLoss: epochLoss / max(epochWeight, 1e-300),
                                       validationLoss: current,
                                       bestValidationLoss: min(current, stopping.report.bestValidationLoss),
                                       learningRate: rate))
            if try stopping.endEpoch(epoch, validationLoss: current) {
                stoppedEarly = true
                break
            }
        }
        stopping.restoreBest()
        stepsRun = (stopping.report.epochs - done) * batchesRun
        finished = stoppedEarly || stopping.report.epochs >= c.maxEpochs
        return stopping.report
    }

    /// Windowed training (many-to-one, many-to-many without state, a global model's
    /// windows): samples 0..<count, `sample(i)` giving sample i's input [L, F], target, head
    /// inputs and which targets were observed; the last `validationCount` samples (default
    /// `Windows.validationCount`), in time order, validate, in batches of up to 256 windows.
    mutating func train(samples count: Int, validationCount: Int? = nil, resuming earlier: TrainingReport? = nil,
                        _ sample: (Int) -> TrainingSample) throws -> TrainingReport {
        let c = configuration, network = networks[0]
        let validation = validationCount ?? Windows.validationCount(samples: count, fraction: c.validationFraction)
        let trainCount = count - validation
        // Samples are encoded once and kept when epochs reuse them; when an epoch is cut at
        // the step budget (`cutsLongEpochs`: each sample used at most once) training samples
        // are encoded as their batch comes, so memory holds the validation samples and one
        // batch, not every window. The numbers are the same.
        let keepAll = !cutsLongEpochs || c.batches(samples: trainCount) <= max(c.maxSteps, 1)
        let kept = (keepAll ? 0 : trainCount)..<count
        let encoded = kept.map(sample)
        let steps = c.window, loss = c.trainingLoss

        func batch(_ indices: some Collection<Int>) -> TrainingSample {
            var b = TrainingSample(input: [], target: [])
            var masked = false
            for i in indices {
                let s = kept.contains(i) ? encoded[i - kept.lowerBound] : sample(i)
                if b.input.isEmpty { b.input.reserveCapacity(indices.count * s.input.count) }
                b.input += s.input
                b.target += s.target
                b.headInputs += s.headInputs
                masked = masked || s.observed != nil
            }
            // One flag per target when any sample has them (every target of the others observed).
            if masked {
                b.observed = indices.flatMap { i in
                    let s = kept.contains(i) ? encoded[i - kept.lowerBound] : sample(i)
                    return s.observed ?? Array(repeating: true, count: s.target.count)
                }
            }
            return b
        }
        func validationLoss() -> Double {
            var total = 0.0
            var start = trainCount
            while start < count {
                let end = min(start + 256, count)
                let b = batch(start..<end)
                let prediction = network.forward(b.input, batch: end - start, steps: steps, differentiable: false,
                                                 headInputs: b.headInputs)
                total += Double(loss.evaluate(prediction: prediction, target: b.target, observed: b.observed).loss) * Double(end - start)
                start = end
            }
            return total / Double(validation)
        }
        return try run(.shuffled(samples: trainCount),
                       report: TrainingReport(trainingSamples: trainCount, validationSamples: validation),
                       resuming: earlier, validation: validationLoss) { indices in
            let b = batch(indices)
            let prediction = network.forward(b.input, batch: indices.count, steps: steps, training: true, headInputs: b.headInputs)
            let (value, gradient) = loss.evaluate(prediction: prediction, target: b.target, observed: b.observed)
            if value.isFinite { network.backward(gradient) }
            return (value, Double(indices.count))
        }
    }
}

extension Trainer {
    /// Stateful training (Keras `stateful=True`) over the first `trainingRows` rows of
    /// `features` ([rows, F]) and `target`: they are cut into contiguous segments, one per
    /// batch row, and batch k holds window k of every segment (`StatefulBatches`: the next
    /// value after every step, or with `horizon` the H values after the window), so each
    /// row's state carries from one batch to the next (its gradient does not: truncated
    /// backpropagation at batch boundaries). The state is reset every epoch. `validation`
    /// is the strategy's validation loss over `validationSamples`.
    /// `observed` (one flag per row of `target`) keeps targets that were filled out of the
    /// loss; `headInputs(end)` gives what the head reads for the window ending at row `end`.
    mutating func trainContiguous(trainingRows: Int, features: [Float], featureCount: Int, target: [Float], horizon: Int?,
                                  observed: [Bool]? = nil, headInputs: ((Int) -> [Float])? = nil,
                                  validationSamples: Int, resuming earlier: TrainingReport? = nil, validation: () -> Double,
                                  series: String = "series") throws
        -> TrainingReport
    {
        let c = configuration, l = c.window, network = networks[0], loss = c.trainingLoss
        let rows = max(1, min(c.batchSize, trainingRows / (4 * l)))
        let batches = try StatefulBatches(seriesLength: trainingRows, rows: rows, length: l, horizon: horizon, series: series)
        var carried = RecurrentState.zeros(network.configuration, batch: rows)
        return try run(.contiguous(count: batches.count),
                       report: TrainingReport(trainingSamples: batches.count * rows, validationSamples: validationSamples),
                       resuming: earlier, validation: validation,
                       startEpoch: { carried = RecurrentState.zeros(network.configuration, batch: rows) }) { k in
            let index = k[k.startIndex]
            let batch = batches.batch(index, features: features, featureCount: featureCount, target: target)
            let starts = (0..<rows).map { batches.start(batch: index, row: $0) }
            let heads = headInputs.map { inputs in starts.flatMap { inputs($0 + l) } } ?? []
            // Which targets were observed: a direct window's H after it, or the next value after each step.
            let targetRows: (Int) -> [Int] = { s in horizon.map { h in Array((s + l)..<(s + l + h)) } ?? Array((s + 1)...(s + l)) }
            let mask: [Bool]? = observed.map { flags in starts.flatMap { s in targetRows(s).map { flags[$0] } } }
            let prediction = network.forward(batch.x, batch: rows, steps: l, initialState: carried, training: true, headInputs: heads)
            let (value, gradient) = loss.evaluate(prediction: prediction, target: batch.y, observed: mask)
            if value.isFinite { network.backward(gradient) }
            carried = network.finalState
            return (value, 1)
        }
    }

    /// Stateful many-to-many training on the scaled series `targets` (`trainContiguous` over
    /// its first 90%), its inputs `inputs` (`featureCount` per value, every value but the
    /// last). Validation: the training loss of the one-step forecasts of the last 10%, the
    /// state warmed over everything before.
    mutating func trainStateful(_ inputs: [Float], featureCount f: Int, targets u: [Float], observed: [Bool]? = nil,
                                resuming earlier: TrainingReport? = nil) throws -> TrainingReport {
        let c = configuration, n = u.count, network = networks[0], loss = c.trainingLoss
        let validation = Windows.validationCount(samples: n, fraction: c.validationFraction)
        let trainCount = n - validation

        func validationLoss() -> Double {
            let output = network.forward(Array(inputs[0..<((n - 1) * f)]), batch: 1, steps: n - 1, differentiable: false)
            let q = network.configuration.outputSize  // outputs per step (a Gaussian head's mean and scale)
            return Double(loss.evaluate(prediction: Array(output[((trainCount - 1) * q)..<((n - 1) * q)]),
                                        target: Array(u[trainCount..<n]), observed: observed.map { Array($0[trainCount..<n]) }).loss)
        }
        return try trainContiguous(trainingRows: trainCount, features: inputs, featureCount: f, target: u, horizon: nil,
                                   observed: observed, validationSamples: validation, resuming: earlier, validation: validationLoss)
    }
}
