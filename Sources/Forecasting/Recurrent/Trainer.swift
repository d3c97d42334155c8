import Neural
import Support
import TimeSeries

/// What a training run did.
public struct TrainingReport: Sendable, Equatable, Codable {
    public var epochs = 0
    /// The epoch whose weights were kept (0: the starting weights).
    public var bestEpoch = 0
    public var bestValidationLoss = Double.infinity
    public var trainingSamples = 0
    public var validationSamples = 0
    /// With `auto` scaling: each candidate scaling's validation MAE (in the data's units)
    /// after its probe, in the order probed; nil when one scaling was given.
    public var probes: [ScalingProbe]?
    /// With `auto` scaling of a many-to-one model: the scalings whose networks' forecasts
    /// are averaged (this model's first); nil when one scaling was given.
    public var combined: [RecurrentConfiguration.Normalization]?
}

/// One candidate of `auto` scaling and how it validated after its probe training.
public struct ScalingProbe: Sendable, Equatable, Codable {
    public init(normalization: RecurrentConfiguration.Normalization, season: Int? = nil, validationError: Double) {
        self.normalization = normalization
        self.season = season
        self.validationError = validationError
    }

    /// The scaling's name, with its seasonal period when it is not the model's.
    public var label: String { Self.label(normalization, season: season) }

    /// A scaling's name, with `season` when given (it is not the model's).
    public static func label(_ normalization: RecurrentConfiguration.Normalization, season: Int?) -> String {
        normalization.rawValue + (season.map { " (m=\($0))" } ?? "")
    }

    public var normalization: RecurrentConfiguration.Normalization
    /// The candidate's seasonal period when it is not the model's (the weekly
    /// window-seasonal candidate of a sub-daily series); nil otherwise.
    public var season: Int?
    /// Mean absolute error on the validation windows, in the data's units.
    public var validationError: Double
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

/// Mini-batch training with a time-ordered validation split, early stopping that restores
/// the best weights, a learning-rate schedule, gradient clipping, Adam, and a stop with a
/// clear error on a NaN loss.
struct Trainer {
    let configuration: RecurrentConfiguration
    let network: RecurrentNetwork
    var progress: (@Sendable (TrainingProgress) -> Void)?
    /// Whether the last `train` ended by early stopping (patience ran out).
    private(set) var stoppedEarly = false

    init(configuration: RecurrentConfiguration, network: RecurrentNetwork,
         progress: (@Sendable (TrainingProgress) -> Void)? = nil) {
        self.configuration = configuration
        self.network = network
        self.progress = progress
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

    /// Trains on samples 0..<count; `sample(i)` gives sample i's input [L, F] and target.
    /// The last round(fraction * count) samples, in time order, validate.
    /// `validationCount` overrides the count of validation samples (the last ones).
    /// `resuming` is the report of earlier training of the same network on the same samples:
    /// epochs then continue its count (and `maxEpochs` counts them all), with a fresh
    /// optimiser and schedule (a warm restart).
    mutating func train(samples count: Int, validationCount: Int? = nil, resuming earlier: TrainingReport? = nil,
                        _ sample: (Int) -> (input: [Float], target: [Float])) throws -> TrainingReport {
        let c = configuration
        stoppedEarly = false
        var validation = validationCount ?? Int((c.validationFraction * Double(count)).rounded(.toNearestOrEven))
        validation = min(max(validation, 1), count - 1)
        let trainCount = count - validation
        let encoded = (0..<count).map(sample)   // every sample once; reused every epoch
        let steps = c.window, loss = c.trainingLoss
        let adam = Optimizer(.adam, learningRate: c.learningRate, parameterCount: network.parameters.count)
        let done = earlier?.epochs ?? 0
        var generator = SplitMix64(seed: c.seed ^ 0x5EED_5EED ^ UInt64(done))

        func batch(_ indices: ArraySlice<Int>) -> ([Float], [Float]) {
            var x: [Float] = [], y: [Float] = []
            x.reserveCapacity(indices.count * encoded[0].input.count)
            for i in indices {
                x += encoded[i].input
                y += encoded[i].target
            }
            return (x, y)
        }
        func validationLoss() -> Double {
            var total = 0.0
            var start = trainCount
            while start < count {
                let end = min(start + 256, count)
                let (x, y) = batch((start..<end).map { $0 }[...])
                let prediction = network.forward(x, batch: end - start, steps: steps, differentiable: false)
                total += Double(loss.evaluate(prediction: prediction, target: y).loss) * Double(end - start)
                start = end
            }
            return total / Double(validation)
        }

        var stopping = EarlyStopping(report: earlier ?? TrainingReport(trainingSamples: trainCount, validationSamples: validation),
                                     startingLoss: validationLoss(), patience: c.patience, parameters: [network.parameters])
        var limits = c
        limits.maxEpochs = max(c.maxEpochs - done, 1)
        let epochs = limits.epochs(batchesPerEpoch: c.batches(samples: trainCount))
        var schedule = makeSchedule(epochs: epochs)
        for epoch in (done + 1)...(done + max(epochs, 1)) {
            adam.learningRate = schedule.rate(epoch: epoch - done - 1)
            var epochLoss = 0.0
            let order = shuffledIndices(trainCount, using: &generator)
            for start in stride(from: 0, to: trainCount, by: c.batchSize) {
                let indices = order[start..<min(start + c.batchSize, trainCount)]
                let (x, y) = batch(indices)
                network.zeroGradients()
                let prediction = network.forward(x, batch: indices.count, steps: steps, training: true)
                let (value, gradient) = loss.evaluate(prediction: prediction, target: y)
                guard value.isFinite else {
                    throw ForecastingError.diverged(epoch: epoch, detail: "the training loss is \(value)")
                }
                epochLoss += Double(value) * Double(indices.count)
                network.backward(gradient)
                if c.clipNorm > 0 { GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: c.clipNorm) }
                adam.update(network.parameters, gradients: network.gradients)
            }
            let current = validationLoss()
            schedule.observe(validationLoss: current)
            progress?(TrainingProgress(epoch: epoch, epochs: done + epochs, trainingLoss: epochLoss / Double(trainCount),
                                       validationLoss: current,
                                       bestValidationLoss: min(current, stopping.report.bestValidationLoss),
                                       learningRate: adam.learningRate))
            if try stopping.endEpoch(epoch, validationLoss: current) {
                stoppedEarly = true
                break
            }
        }
        stopping.restoreBest()
        return stopping.report
    }
}

extension Trainer {
    /// Stateful training (Keras `stateful=True`) on the scaled series `u`: the first 90% is
    /// cut into contiguous segments, one per batch row, and batch k holds window k of every
    /// segment, so each row's state carries from one batch to the next (its gradient does
    /// not: truncated backpropagation at batch boundaries). The state is reset every epoch.
    /// Validation: one-step errors on the last 10%, the state warmed over everything before.
    mutating func trainStateful(_ u: [Float]) throws -> TrainingReport {
        let c = configuration, l = c.window, n = u.count
        let validation = max(1, Int((c.validationFraction * Double(n)).rounded(.toNearestOrEven)))
        let trainCount = n - validation
        let rows = max(1, min(c.batchSize, trainCount / (4 * l)))
        let batches = try StatefulBatches(seriesLength: trainCount, rows: rows, length: l)
        let adam = Optimizer(.adam, learningRate: c.learningRate, parameterCount: network.parameters.count)

        func validationLoss() -> Double {
            let output = network.forward(Array(u[0..<(n - 1)]), batch: 1, steps: n - 1, differentiable: false)
            let q = network.configuration.outputSize  // the mean is each step's first output
            var total = 0.0
            for t in (trainCount - 1)..<(n - 1) {
                let e = Double(output[t * q] - u[t + 1])
                total += e * e
            }
            return total / Double(validation)
        }

        var stopping = EarlyStopping(report: TrainingReport(trainingSamples: batches.count * rows, validationSamples: validation),
                                     startingLoss: validationLoss(), patience: c.patience, parameters: [network.parameters])
        let epochs = c.epochs(batchesPerEpoch: batches.count)
        var schedule = makeSchedule(epochs: epochs)
        for epoch in 1...epochs {
            adam.learningRate = schedule.rate(epoch: epoch - 1)
            var epochLoss = 0.0
            var carried = RecurrentState.zeros(network.configuration, batch: rows)
            for k in 0..<batches.count {
                let batch = batches.batch(k, features: u, featureCount: 1, target: u)
                network.zeroGradients()
                let prediction = network.forward(batch.x, batch: rows, steps: l, initialState: carried, training: true)
                let (value, gradient) = c.trainingLoss.evaluate(prediction: prediction, target: batch.y)
                guard value.isFinite else {
                    throw ForecastingError.diverged(epoch: epoch, detail: "the training loss is \(value)")
                }
                epochLoss += Double(value) / Double(batches.count)
                network.backward(gradient)
                if c.clipNorm > 0 { GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: c.clipNorm) }
                adam.update(network.parameters, gradients: network.gradients)
                carried = network.finalState
            }
            let current = validationLoss()
            schedule.observe(validationLoss: current)
            progress?(TrainingProgress(epoch: epoch, epochs: epochs, trainingLoss: epochLoss, validationLoss: current,
                                       bestValidationLoss: min(current, stopping.report.bestValidationLoss),
                                       learningRate: adam.learningRate))
            if try stopping.endEpoch(epoch, validationLoss: current) { break }
        }
        stopping.restoreBest()
        return stopping.report
    }
}
