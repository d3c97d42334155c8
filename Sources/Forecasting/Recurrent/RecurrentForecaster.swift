import Neural
import Support
import TimeSeries

/// A recurrent network forecaster (RNN, GRU or LSTM) trained on windows of one series.
///
/// Many-to-one, direct: a window of L steps in, the H next values out at once. With the
/// default window normalisation the network forecasts the change from seasonal naive in
/// units of the window's own scale, and its head starts at zero, so before training it
/// *is* seasonal naive; early stopping restores the best weights by validation loss,
/// counting that starting point.
public struct RecurrentForecaster: Forecaster {
    public let configuration: RecurrentConfiguration
    /// The registry's kind of this network (`gru`, `lstm`, `rnn`, `rnn-relu`).
    public var kind: ModelKind { ModelKind(cell: configuration.cell) }
    public var name: String { kind.rawValue }
    /// The trained network (nil before `fit`); the encoder in encoder-decoder mode.
    public internal(set) var network: RecurrentNetwork?
    /// The decoder in encoder-decoder mode.
    public internal(set) var decoder: RecurrentNetwork?
    /// What training did: epochs run, the best epoch and its validation loss.
    public internal(set) var report = TrainingReport()
    /// The other networks of a combination (`auto` scaling, many-to-one): fitted
    /// forecasters with other scalings whose forecasts are averaged with this one's.
    public internal(set) var members: [RecurrentForecaster] = []
    /// Whether training has ended (early stopping or the epoch limit), for training in
    /// several parts (`fitCombination`); not saved.
    var trainingFinished = false
    /// Training steps run so far (many-to-one): every epoch has the same batches.
    var trainedSteps: Int { report.epochs * configuration.batches(samples: report.trainingSamples) }
    /// What the fitted model keeps besides its weights (saved in the model file).
    public struct FittedState: Sendable, Codable, Equatable {
        /// The values the next forecast starts from (the last L of the history).
        public var history: [Double] = []
        public var covariateHistory: [[Double]] = []
        /// The series' seasonal MAE, the scale of constant windows.
        public var fallbackScale = 1.0
        /// The training part's standard scaler (`global` normalisation).
        public var globalScaler = Scaler(kind: .identity, center: 0, scale: 1)
        public var covariateScalers: [Scaler] = []
        public var report = TrainingReport()
        /// Many-to-many: the scaled series' scaler (levels or first differences).
        public var sequenceScaler = Scaler(kind: .identity, center: 0, scale: 1)
        /// The last observed value (differences are summed back from it).
        public var lastValue = 0.0
        /// Many-to-many: the hidden (and cell) state after the history, and the network's
        /// output there (the scaled forecast of the next step).
        public var hidden: [Float] = []
        public var cell: [Float]?
        public var nextOutput: Float = 0
        /// A Gaussian head's raw scale output there.
        public var nextScale: Float = 0
        /// Observations the model has seen, training and updates.
        public var observations = 0
        /// The timestamps of `history`, for calendar features (nil without them).
        public var timestampHistory: [Timestamp]?
        /// The data's grid (`Frequency.code`), to date future steps for calendar features.
        public var frequencyCode = "index"
        /// A global model's series, each with the history it forecasts from.
        public var seriesHistories: [SeriesHistory] = []
        /// Stateful many-to-one: the network's output after the whole history (the scaled
        /// H-step forecast, outputs per step interleaved); nil for other models.
        public var directOutput: [Float]?
    }

    public internal(set) var state = FittedState()
    /// Called after every training epoch (for a progress bar); not saved.
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    var history: [Double] { state.history }
    var covariateHistory: [[Double]] { state.covariateHistory }

    /// An unfitted forecaster with this configuration.
    public init(_ configuration: RecurrentConfiguration) {
        self.configuration = configuration
    }

    /// A fitted forecaster from saved parts (a model file).
    public init(configuration: RecurrentConfiguration, network: RecurrentNetwork, decoder: RecurrentNetwork? = nil,
                state: FittedState) {
        self.configuration = configuration
        self.network = network
        self.decoder = decoder
        self.state = state
        self.report = state.report
    }

    /// Forecasts from the end of `series` instead of the end of the training history:
    /// the last L values become the next window (no retraining).
    public mutating func condition(on series: SeriesData) throws {
        for i in members.indices { try members[i].condition(on: series) }
        let l = configuration.window
        guard series.target.count >= l else {
            throw ForecastingError.tooShort(series: series.name, length: series.target.count, needed: l,
                                            reason: "for the model's input window of \(l)")
        }
        state.history = Array(series.target.suffix(l))
        state.covariateHistory = series.covariates.map { Array($0.suffix(l)) }
        if !configuration.calendar.isEmpty {
            guard let stamps = series.timestamps else {
                throw ForecastingError.invalidConfiguration("the model uses calendar features; the data has no time column")
            }
            state.timestampHistory = Array(stamps.suffix(l))
        }
        state.lastValue = series.target.last ?? state.lastValue
        state.observations = series.target.count
        switch configuration.strategy {
        case .sequence, .statefulSequence: warmUp(series.target)
        case .statefulDirect: warmUpDirect(series)
        case .direct, .encoderDecoder: break  // they read the window just set
        }
    }

    var featureCount: Int { 1 + configuration.covariates.count + 2 * configuration.calendar.count }
    var outputsPerStep: Int { configuration.outputsPerStep }
    /// The output of a step that is its point forecast: the mean of a Gaussian head, the
    /// middle quantile of a quantile head.
    var pointIndex: Int { configuration.gaussian ? 0 : outputsPerStep / 2 }

    func makeNetwork() -> RecurrentNetwork {
        let c = configuration
        let sequence = c.mode == .manyToMany
        let outputs = sequence ? outputsPerStep : c.horizon * outputsPerStep
        let network = RecurrentNetwork(
            NetworkConfiguration(cell: c.cell, inputSize: featureCount, hiddenSize: c.hiddenSize, layers: c.layers,
                                 outputSize: outputs, outputMode: sequence ? .everyStep : .lastStep, dropout: c.dropout),
            seed: c.seed)
        // The head starts at zero: the first forecast is the baseline itself (many-to-one),
        // or the training mean (many-to-many).
        network.setTensor("head.weight", Array(repeating: 0, count: outputs * c.hiddenSize))
        network.setTensor("head.bias", Array(repeating: 0, count: outputs))
        return network
    }

    /// The window encoder of this model's fitted scalings (kept in `state`).
    var encoder: WindowEncoder {
        get {
            WindowEncoder(configuration, fallbackScale: state.fallbackScale, globalScaler: state.globalScaler,
                          covariateScalers: state.covariateScalers)
        }
        set {
            state.fallbackScale = newValue.fallbackScale
            state.globalScaler = newValue.globalScaler
            state.covariateScalers = newValue.covariateScalers
        }
    }

    public mutating func fit(_ series: SeriesData) throws {
        try configuration.validate()
        var candidates = configuration.normalizationCandidates
        guard configuration.normalization == .auto else {
            guard candidates.contains(configuration.normalization) else {
                throw ForecastingError.invalidConfiguration(
                    "\(configuration.mode.rawValue) takes --normalization \(candidates.map(\.rawValue).joined(separator: ", ")) or auto")
            }
            return try fitConcrete(series)
        }
        if candidates.count == 1 {  // nothing to choose (stateful many-to-one scales globally)
            var c = configuration
            c.normalization = candidates[0]
            var model = RecurrentForecaster(c)
            model.progress = progress
            try model.fitConcrete(series)
            self = model
            return
        }
        if configuration.strategy == .direct {
            if !WindowScaling.seasonalNaiveBeatsNaive(series.target, season: configuration.season,
                                                     horizon: configuration.horizon) {
                candidates.removeAll { $0 == .windowSeasonal }
            }
            let weekly = weeklyConfiguration(series)
            return try fitCombination(of: candidates.map { normalization in
                if normalization == .windowSeasonal, let weekly { return weekly }
                var c = configuration
                c.normalization = normalization
                return c
            }, series)
        }
        try fitBest(of: candidates) { model in
            try model.fitConcrete(series)
            return model.validationError(series)
        }
    }

    /// The `window-seasonal` candidate anchored a week back, for a sub-daily series whose
    /// season is its day (m steps) and whose seasonal naive a week back (7m) forecasts the
    /// horizon better in-sample than seasonal naive a day back: electricity demand and
    /// traffic, whose weekends and weekdays differ. Its season (baseline and scale) is 7m
    /// and its window at least 7m + H. Nil when the day anchor stays (including series
    /// shorter than three weeks).
    func weeklyConfiguration(_ series: SeriesData) -> RecurrentConfiguration? {
        let c = configuration, x = series.target, m = c.season, week = 7 * m
        guard m > 1, series.frequency.stepsPerDay == m, x.count >= 3 * week + c.horizon,
              WindowScaling.seasonalNaiveBeats(x, season: week, over: m, horizon: c.horizon)
        else { return nil }
        var weekly = c
        weekly.normalization = .windowSeasonal
        weekly.season = week
        weekly.inputLength = max(c.window, week + c.horizon)
        return weekly
    }

    /// Fits one model per scaling in `candidates` (`fit` trains it and returns its
    /// validation error) and becomes the one with the lowest error. The candidates are
    /// trained on a short probe budget (a sixth of `maxSteps`, at least 300 steps); the
    /// winner is then trained again with the whole budget, unless its probe was already
    /// its whole training (short series, or early stopping inside the probe).
    mutating func fitBest(of candidates: [RecurrentConfiguration.Normalization],
                          _ fit: (inout RecurrentForecaster) throws -> Double) throws {
        precondition(!candidates.isEmpty, "fitBest: no candidate scalings")
        let probe = min(configuration.maxSteps, max(300, configuration.maxSteps / 6))
        var best: (model: RecurrentForecaster, error: Double)?
        var probes: [ScalingProbe] = []
        for normalization in candidates {
            var c = configuration
            c.normalization = normalization
            c.maxSteps = probe
            var model = RecurrentForecaster(c)
            model.progress = progress
            let error = try fit(&model)
            probes.append(ScalingProbe(normalization: normalization, validationError: error))
            if best == nil || error < best!.error { best = (model, error) }  // set on the first pass
        }
        var winner = best!.model  // one candidate at least (checked above)
        if !winner.probeWasWholeTraining(fullSteps: configuration.maxSteps) {
            var c = configuration
            c.normalization = winner.configuration.normalization
            winner = RecurrentForecaster(c)
            winner.progress = progress
            _ = try fit(&winner)
        }
        winner.report.probes = probes
        winner.state.report = winner.report
        self = winner
    }

    /// Whether training with `fullSteps` would have run exactly as the probe did: the
    /// probe stopped early, or its epoch limit equals the full budget's.
    func probeWasWholeTraining(fullSteps: Int) -> Bool {
        let c = configuration, r = report
        guard r.epochs > 0 else { return false }
        guard c.mode == .manyToOne || c.mode == .encoderDecoder else {
            return c.maxSteps >= fullSteps  // sequence models: their batches are not windows
        }
        var full = c
        full.maxSteps = fullSteps
        let batches = c.batches(samples: r.trainingSamples)
        let probeEpochs = c.epochs(batchesPerEpoch: batches)
        return probeEpochs == full.epochs(batchesPerEpoch: batches) || r.epochs < probeEpochs
    }

    /// The direct windows of a series of `x.count` values (`Windows`: sample i reads rows
    /// starts[i] ..< starts[i] + L and targets the H after) and how many of the last
    /// validate: the one source of sample indices and validation splits of every
    /// window-based strategy. At least two windows are needed.
    func directWindows(_ x: [Double], series name: String) throws -> (windows: Windows, validation: Int) {
        let c = configuration, l = c.window
        guard x.count >= l + c.horizon + 1 else {
            throw ForecastingError.tooShort(series: name, length: x.count, needed: l + c.horizon + 1,
                                            reason: "for an input window of \(l), a horizon of \(c.horizon) and two samples")
        }
        let windows = try Windows(.manyToOne(inputLength: l, horizon: c.horizon), seriesLength: x.count, series: name)
        return (windows, Windows.validationCount(samples: windows.count, fraction: c.validationFraction))
    }

    /// The one windowed training of the direct (many-to-one) network, for one series or every
    /// series of a global model: each series' windows encoded by its own encoder, the
    /// training windows of every series first, then the validation windows (each series' last
    /// ones, in time order; for one series this is its windows in time order). `resuming`
    /// continues the fitted network (a warm restart). Returns whether training ended (early
    /// stopping or the epoch limit) and the validation windows.
    mutating func trainDirect(_ panel: [SeriesData], encoders: [WindowEncoder], configuration c: RecurrentConfiguration,
                              resuming: Bool) throws -> (finished: Bool, validation: [(series: Int, end: Int)]) {
        var trainIndex: [(series: Int, end: Int)] = [], validationIndex: [(series: Int, end: Int)] = []
        for (i, s) in panel.enumerated() {
            let (windows, validation) = try directWindows(s.target, series: s.name)
            let ends = windows.starts.map { $0 + c.window }
            trainIndex += ends.dropLast(validation).map { (i, $0) }
            validationIndex += ends.suffix(validation).map { (i, $0) }
        }
        let index = trainIndex + validationIndex
        let resume = resuming && self.network != nil
        let network = resume ? self.network! : makeNetwork()  // checked just above
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        report = try trainer.train(samples: index.count, validationCount: validationIndex.count,
                                   resuming: resume ? report : nil) { k in
            let (i, end) = index[k]
            let x = panel[i].target
            let (input, scaling) = encoders[i].encode(x, panel[i].covariates, panel[i].timestamps, end: end)
            // One target per step; a quantile head has Q outputs per step for it (pinball loss).
            return (input, (0..<c.horizon).map { h in Float((x[end + h] - scaling.baseline[h]) / scaling.scale) })
        }
        self.network = network
        return (trainer.stoppedEarly || report.epochs >= c.maxEpochs, validationIndex)
    }

    /// Mean absolute error, in the series' units, of the forecasts for the validation
    /// windows (the last samples, which training did not fit on).
    func validationError(_ series: SeriesData) -> Double {
        switch configuration.strategy {
        case .sequence, .statefulSequence: return sequenceValidationError(series)
        case .encoderDecoder: return encoderDecoderValidationError(series)
        case .statefulDirect: return .infinity  // never searched over (one scaling): no windowed validation
        case .direct: break
        }
        guard let network else { return .infinity }
        let c = configuration, l = c.window, x = series.target
        guard let samples = try? directWindows(x, series: series.name).windows.count else { return .infinity }
        let first = samples - report.validationSamples
        let errors = directErrors(network, [series], encoders: [encoder], windows: (first..<samples).map { (0, $0 + l) })
        return errors.isEmpty ? .infinity : errors.reduce(0) { $0 + $1.error } / Double(errors.count)
    }

    /// The absolute errors of a direct network's point forecasts for `windows` (a series of
    /// `panel` and the row after the window) in order, window by window and step by step,
    /// each series encoded by its encoder; the inputs go through in batches (`forwardWindows`).
    func directErrors(_ network: RecurrentNetwork, _ panel: [SeriesData], encoders: [WindowEncoder],
                      windows: [(series: Int, end: Int)]) -> [(series: Int, error: Double)] {
        let encoded = windows.map { i, end in encoders[i].encode(panel[i].target, panel[i].covariates, panel[i].timestamps, end: end) }
        let outputs = RecurrentForecaster.forwardWindows(network, encoded.map(\.input), steps: configuration.window)
        var errors: [(series: Int, error: Double)] = []
        errors.reserveCapacity(windows.count * configuration.horizon)
        for (k, (i, end)) in windows.enumerated() {
            let x = panel[i].target, scaling = encoded[k].scaling, output = outputs[k]
            for h in 0..<configuration.horizon {
                let forecast = scaling.baseline[h] + scaling.scale * Double(output[output.startIndex + h * outputsPerStep + pointIndex])
                errors.append((i, abs(x[end + h] - forecast)))
            }
        }
        return errors
    }

    /// The network's outputs for many windows of `steps` steps ([steps, F] inputs), an
    /// inference pass over up to 256 windows at a time (one row of the batch each), in order.
    /// Each row's numbers do not depend on the others in its batch (the step kernel and the
    /// gates work row by row).
    static func forwardWindows(_ network: RecurrentNetwork, _ inputs: [[Float]], steps: Int) -> [ArraySlice<Float>] {
        var outputs: [ArraySlice<Float>] = []
        outputs.reserveCapacity(inputs.count)
        let width = network.configuration.outputSize
        var start = 0
        while start < inputs.count {
            let end = min(start + 256, inputs.count)
            let batch = Array(inputs[start..<end].joined())
            let output = network.forward(batch, batch: end - start, steps: steps, differentiable: false)
            for k in 0..<(end - start) { outputs.append(output[(k * width)..<((k + 1) * width)]) }
            start = end
        }
        return outputs
    }

    /// Fits with the configured scaling. Many-to-one only: `steps` replaces `maxSteps`
    /// for this call, and `resuming` continues training the fitted network (a warm
    /// restart) instead of starting a new one.
    mutating func fitConcrete(_ series: SeriesData, steps: Int? = nil, resuming: Bool = false) throws {
        state.frequencyCode = series.frequency.code
        switch configuration.strategy {
        case .sequence, .statefulSequence: return try fitSequence(series)
        case .encoderDecoder: return try fitEncoderDecoder(series)
        case .direct, .statefulDirect: break
        }
        var c = configuration
        if let steps { c.maxSteps = steps }
        let x = series.target, l = c.window
        _ = try directWindows(x, series: series.name)  // long enough (the first error a short series gets)
        guard c.calendar.isEmpty || series.timestamps != nil else {
            throw ForecastingError.invalidConfiguration("calendar features need a time column")
        }
        guard series.covariates.count == c.covariates.count else {
            throw ForecastingError.invalidConfiguration("the model expects \(c.covariates.count) covariates, got \(series.covariates.count)")
        }
        self.encoder = .fitted(c, to: series)
        if c.strategy == .statefulDirect { return try fitStatefulDirect(series, maxSteps: c.maxSteps) }  // never resumed (no auto search)
        trainingFinished = try trainDirect([series], encoders: [encoder], configuration: c, resuming: resuming).finished
        state.report = report
        state.history = Array(x.suffix(l))
        state.covariateHistory = series.covariates.map { Array($0.suffix(l)) }
        state.timestampHistory = c.calendar.isEmpty ? nil : series.timestamps.map { Array($0.suffix(l)) }
        state.lastValue = x.last ?? 0
        state.observations = x.count
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard !members.isEmpty else { return try predictOwn(horizon: horizon) }
        let forecasts = try ([self] + members).map { try $0.predictOwn(horizon: horizon) }
        return Forecast(averaging: forecasts)
    }

    /// This network's forecast, without the other members of a combination.
    func predictOwn(horizon: Int) throws -> Forecast {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        switch configuration.strategy {
        case .sequence, .statefulSequence: return try predictSequence(network: network, horizon: horizon)
        case .encoderDecoder: return try predictEncoderDecoder(horizon: horizon)
        case .statefulDirect:
            try checkDirectHorizon(horizon)
            guard let output = state.directOutput else { throw ForecastingError.notFitted(model: name) }
            return directForecast(output[...], scaling: encoder.globalScaling, horizon: horizon)
        case .direct: try checkDirectHorizon(horizon)
        }
        let (input, scaling) = encoder.encode(history, covariateHistory, state.timestampHistory, end: history.count)
        let output = network.forward(input, batch: 1, steps: configuration.window, differentiable: false)
        return directForecast(output[...], scaling: scaling, horizon: horizon)
    }

    /// Forecasts of several fitted forecasters, in order. Those that share one many-to-one
    /// network and configuration, without members (the series of a global model), run
    /// through it in one inference pass (`forwardWindows`, whose rows do not depend on each
    /// other: the same numbers as one by one); any others forecast one by one.
    public static func predict(_ forecasters: [RecurrentForecaster], horizon: Int) throws -> [Forecast] {
        guard let first = forecasters.first, let network = first.network, first.configuration.strategy == .direct,
              forecasters.allSatisfy({ $0.network === network && $0.members.isEmpty && $0.configuration == first.configuration })
        else { return try forecasters.map { try $0.predict(horizon: horizon) } }
        try first.checkDirectHorizon(horizon)
        let encoded = forecasters.map { $0.encoder.encode($0.history, $0.covariateHistory, $0.state.timestampHistory, end: $0.history.count) }
        let outputs = forwardWindows(network, encoded.map(\.input), steps: first.configuration.window)
        return zip(encoded, outputs).map { first.directForecast($1, scaling: $0.scaling, horizon: horizon) }
    }

    func checkDirectHorizon(_ horizon: Int) throws {
        guard horizon <= configuration.horizon else {
            throw ForecastingError.invalidConfiguration("the model forecasts \(configuration.horizon) steps at once (many-to-one); \(horizon) were asked")
        }
    }

    /// The forecast of a many-to-one network's output for one window ([H, outputs per step])
    /// and that window's scaling.
    func directForecast(_ output: ArraySlice<Float>, scaling: WindowScaling, horizon: Int) -> Forecast {
        let c = configuration, q = outputsPerStep, base = output.startIndex
        func value(_ h: Int, _ k: Int) -> Double { scaling.baseline[h] + scaling.scale * Double(output[base + h * q + k]) }
        if c.gaussian {
            // Paths: for every step its own Gaussian (direct forecasts are drawn step by step).
            var generator = SplitMix64(seed: c.seed ^ 0x9A7_45)
            let paths = (0..<c.samples).map { _ in
                (0..<horizon).map { h in
                    let sigma = (Loss.softplus(Double(output[base + h * q + 1])) + 1e-6).squareRoot() * scaling.scale
                    return value(h, 0) + sigma * generator.nextNormal()
                }
            }
            return Forecast(summarizing: paths)
        }
        guard !c.quantiles.isEmpty else {
            return Forecast(point: (0..<horizon).map { value($0, 0) })
        }
        // Quantiles are sorted per step, so crossing outputs still give ordered levels.
        let perStep = (0..<horizon).map { h in (0..<q).map { value(h, $0) }.sorted() }
        let levels = c.quantiles.enumerated().sorted { $0.element < $1.element }
        let quantiles = levels.enumerated().map { rank, level in (level: level.element, values: perStep.map { $0[rank] }) }
        let median = quantiles.min { abs($0.level - 0.5) < abs($1.level - 0.5) }!.values  // quantiles is not empty
        var intervals: [Forecast.Interval] = []
        for i in 0..<(quantiles.count / 2) {
            let lo = quantiles[i], hi = quantiles[quantiles.count - 1 - i]
            intervals.append(Forecast.Interval(coverage: hi.level - lo.level, lower: lo.values, upper: hi.values))
        }
        return Forecast(point: median, quantiles: quantiles, intervals: intervals)
    }
}

extension RecurrentForecaster {
    /// The gradient-flow report of the fitted network on `series`: ||dLoss/dx_t|| for
    /// every input step t = 1...L, over the last `windows` training windows of the series
    /// (many-to-one models; the training loss).
    public func gradientFlow(on series: SeriesData, windows: Int = 64) throws -> [Double] {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard configuration.mode == .manyToOne else {
            throw ForecastingError.invalidConfiguration("diagnose takes many-to-one models; this one is \(configuration.mode.rawValue)")
        }
        let c = configuration, l = c.window, x = series.target
        guard x.count >= l + c.horizon else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: l + c.horizon,
                                            reason: "for one window of \(l) and a horizon of \(c.horizon)")
        }
        let samples = try Windows(.manyToOne(inputLength: l, horizon: c.horizon), seriesLength: x.count, series: series.name).count
        var inputs: [Float] = [], targets: [Float] = []
        let first = max(0, samples - windows)
        for sample in first..<samples {
            let (input, scaling) = encoder.encode(x, series.covariates, series.timestamps, end: sample + l)
            inputs += input
            for h in 0..<c.horizon {
                let value = Float((x[sample + l + h] - scaling.baseline[h]) / scaling.scale)
                targets += Array(repeating: value, count: outputsPerStep)
            }
        }
        return network.gradientFlow(inputs, target: targets, batch: samples - first, steps: l, loss: c.trainingLoss)
    }
}
