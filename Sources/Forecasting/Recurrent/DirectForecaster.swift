import Neural
import TimeSeries

/// Direct many-to-one forecasting: a window of L steps in, the H next values out at once.
///
/// With the default window normalisation the network forecasts the change from seasonal
/// naive in units of the window's own scale, and its head starts at zero, so before
/// training it *is* seasonal naive; early stopping restores the best weights by validation
/// loss, counting that starting point. One series, or every series of a panel with one
/// network (`fit(panel:)`, in `DirectForecaster+Panel.swift`).
public struct DirectForecaster: SingleNetworkStrategy {
    public let configuration: RecurrentConfiguration
    /// The trained network (nil before `fit`).
    public internal(set) var network: RecurrentNetwork?
    /// What a direct model keeps of its own: a global model's series, each with the rows it
    /// forecasts from (empty for a one-series model).
    public struct Extra: Sendable, Codable, Equatable {
        public var seriesHistories: [SeriesHistory] = []
    }
    public var state = FittedState(extra: Extra())
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    public var training = TrainingParts()

    public static func serves(_ c: RecurrentConfiguration) -> Bool { c.mode == .manyToOne && !c.stateful }

    /// An unfitted forecaster with this configuration (many-to-one, not stateful).
    public init(_ configuration: RecurrentConfiguration) {
        precondition(Self.serves(configuration), "DirectForecaster: the configuration is \(configuration.modeDescription)")
        self.configuration = configuration
    }

    public init(configuration: RecurrentConfiguration, state: FittedState<Extra>, tensors: [String: SafeTensors.Tensor],
                source: String) throws {
        self.init(configuration)
        let c = configuration
        if state.extra.seriesHistories.isEmpty || !state.series.history.isEmpty { try state.series.validate(c) }
        for series in state.extra.seriesHistories {
            try series.series.validate(c, name: "series \"\(series.name)\"")
        }
        try load(state, tensors: tensors, source: source)
    }

    /// The window encoder of this model's fitted scalings (kept in `state`).
    /// Forecasts from the end of `series` instead of the end of the training history:
    /// the last L values become the next window (no retraining).
    public mutating func condition(on series: SeriesData) throws {
        try state.series.take(series, configuration)
    }

    /// Fits with the configured scaling: `steps` replaces `maxSteps` for this call, and
    /// `start` says whether training starts from new networks or the fitted ones.
    public mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        _ = try configuration.directWindows(series.target, series: series.name)  // long enough (the first error a short series gets)
        let c = try beginFit(series, steps: steps)
        encoder = .fitted(c, to: series)
        try trainDirect([series], encoders: [encoder], configuration: c, start: start)
        try state.series.take(series, c)
    }

    /// The one windowed training of the direct network, for one series or every series of
    /// a global model: each series' windows encoded by its own encoder, the training windows
    /// of every series first, then the validation windows (each series' last ones, in time
    /// order; for one series this is its windows in time order), from where `start` says.
    /// Returns the validation windows.
    @discardableResult
    mutating func trainDirect(_ panel: [SeriesData], encoders: [WindowEncoder], configuration c: RecurrentConfiguration,
                              start: TrainingStart) throws -> [(series: Int, end: Int)] {
        var trainIndex: [(series: Int, end: Int)] = [], validationIndex: [(series: Int, end: Int)] = []
        for (i, s) in panel.enumerated() {
            let ends = try Self.windowEnds(s, c, series: panel.count)
            trainIndex += ends.train.map { (i, $0) }
            validationIndex += ends.validation.map { (i, $0) }
        }
        let index = trainIndex + validationIndex
        let network = (start == .fresh ? nil : self.network) ?? c.makeNetwork()
        let resuming = start == .resume && self.network != nil
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        trainer.cutsLongEpochs = panel.count > 1  // a global fit: the budget holds at any panel size
        report = try trainer.train(samples: index.count, validationCount: validationIndex.count,
                                   resuming: resuming ? report : nil) { k in
            let (i, end) = index[k]
            let s = panel[i], x = s.target
            let (input, scaling) = encoders[i].encode(s, end: end)
            // One target per step; a quantile head has Q outputs per step for it (pinball loss).
            return TrainingSample(input: input,
                                  target: (0..<c.horizon).map { h in Float((x[end + h] - scaling.baseline[h]) / scaling.scale) },
                                  headInputs: c.futureCovariates.isEmpty ? [] : encoders[i].headInputs(s, end: end),
                                  observed: s.observed.map { _ in (0..<c.horizon).map { s.isObserved(end + $0) } })
        }
        self.network = network
        training.record(trainer, resumed: resuming)
        return validationIndex
    }

    /// The validation windows of each series of a panel of `series` series whose own split
    /// gives `windows`: at most `validationBudget / series` (at least one), so that the
    /// validation pass after every epoch stays about as long at any panel size (a series'
    /// windows beyond it train). One series keeps its split up to `validationBudget`.
    static func validationWindows(_ windows: Int, series: Int) -> Int {
        min(windows, max(1, validationBudget / max(series, 1)))
    }

    /// Validation windows of a whole fit at most (see `validationWindows`).
    static let validationBudget = 8192

    /// The ends of the windows of `s` (one past each window's last row; its H targets follow)
    /// that train and that validate, in a panel of `series` series: the last ones validate
    /// (`validationWindows`), in time order. Windows whose targets were all filled (none
    /// observed) are left out of both.
    static func windowEnds(_ s: SeriesData, _ c: RecurrentConfiguration, series: Int) throws -> (train: [Int], validation: [Int]) {
        let (windows, all) = try c.directWindows(s.target, series: s.name)
        let validation = validationWindows(all, series: series)
        var ends = windows.starts.map { $0 + c.window }
        var train = Array(ends.dropLast(validation)), held = Array(ends.suffix(validation))
        if s.observed != nil {
            func anyObserved(_ end: Int) -> Bool { (0..<c.horizon).contains { s.isObserved(end + $0) } }
            train = train.filter(anyObserved)
            held = held.filter(anyObserved)
            ends = train + held
        }
        return (train, held)
    }

    /// Mean absolute error, in the series' units, of the forecasts for the validation
    /// windows (the last samples, which training did not fit on).
    public func validationError(_ series: SeriesData) -> Double {
        guard let network, let ends = try? Self.windowEnds(series, configuration, series: 1) else { return .infinity }
        let errors = directErrors(network, [series], encoders: [encoder], windows: ends.validation.map { (0, $0) })
        return errors.isEmpty ? .infinity : errors.reduce(0) { $0 + $1.error } / Double(errors.count)
    }

    /// The absolute errors of a direct network's point forecasts for `windows` (a series of
    /// `panel` and the row after the window) in order, window by window and step by step,
    /// each series encoded by its encoder; the inputs go through in batches (`forwardWindows`).
    func directErrors(_ network: RecurrentNetwork, _ panel: [SeriesData], encoders: [WindowEncoder],
                      windows: [(series: Int, end: Int)]) -> [(series: Int, error: Double)] {
        let c = configuration
        let encoded = windows.map { i, end in encoders[i].encode(panel[i], end: end) }
        let heads = c.futureCovariates.isEmpty ? [] : windows.map { i, end in encoders[i].headInputs(panel[i], end: end) }
        let outputs = Self.forwardWindows(network, encoded.map(\.input), steps: c.window, headInputs: heads)
        var errors: [(series: Int, error: Double)] = []
        errors.reserveCapacity(windows.count * c.horizon)
        for (k, (i, end)) in windows.enumerated() {
            let x = panel[i].target, scaling = encoded[k].scaling, output = outputs[k]
            for h in 0..<c.horizon where panel[i].isObserved(end + h) {
                let forecast = scaling.baseline[h] + scaling.scale * Double(output[output.startIndex + h * c.outputsPerStep + c.pointIndex])
                errors.append((i, abs(x[end + h] - forecast)))
            }
        }
        return errors
    }

    /// The network's outputs for many windows of `steps` steps ([steps, F] inputs), an
    /// inference pass over up to 256 windows at a time (one row of the batch each), in order.
    /// Each row's numbers do not depend on the others in its batch (the step kernel and the
    /// gates work row by row).
    static func forwardWindows(_ network: RecurrentNetwork, _ inputs: [[Float]], steps: Int, headInputs: [[Float]] = [])
        -> [ArraySlice<Float>]
    {
        var outputs: [ArraySlice<Float>] = []
        outputs.reserveCapacity(inputs.count)
        let width = network.configuration.outputSize
        var start = 0
        while start < inputs.count {
            let end = min(start + 256, inputs.count)
            let batch = Array(inputs[start..<end].joined())
            let heads = headInputs.isEmpty ? [] : Array(headInputs[start..<end].joined())
            let output = network.forward(batch, batch: end - start, steps: steps, differentiable: false, headInputs: heads)
            for k in 0..<(end - start) { outputs.append(output[(k * width)..<((k + 1) * width)]) }
            start = end
        }
        return outputs
    }

    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        try configuration.checkDirectHorizon(horizon)
        try configuration.checkFuture(future)
        let rows = state.series.rows
        let (input, scaling) = encoder.encode(rows, end: rows.target.count)
        let output = network.forward(input, batch: 1, steps: configuration.window, differentiable: false,
                                     headInputs: configuration.futureCovariates.isEmpty ? [] : encoder.headInputs(future.covariates))
        return configuration.directForecast(output[...], scaling: scaling, horizon: horizon)
    }

    /// Forecasts of forecasters that share one network and configuration (the series of a
    /// global model) in one inference pass (`forwardWindows`, whose rows do not depend on
    /// each other: the same numbers as one by one); nil when they do not share one.
    public static func predict(sharing forecasters: [DirectForecaster], horizon: Int, futures: [FutureInputs]) throws -> [Forecast]? {
        guard let first = forecasters.first, let network = first.network,
              forecasters.allSatisfy({ $0.network === network && $0.configuration == first.configuration })
        else { return nil }
        let c = first.configuration
        try c.checkDirectHorizon(horizon)
        for future in futures { try c.checkFuture(future) }
        let encoded = forecasters.map { f in f.encoder.encode(f.state.series.rows, end: f.state.series.history.count) }
        let heads = c.futureCovariates.isEmpty ? [] : zip(forecasters, futures).map { $0.encoder.headInputs($1.covariates) }
        let outputs = forwardWindows(network, encoded.map(\.input), steps: c.window, headInputs: heads)
        return zip(encoded, outputs).map { c.directForecast($1, scaling: $0.scaling, horizon: horizon) }
    }

    /// Takes new observations after the history (NaN: carry the last value), with the
    /// covariates' values of the same rows and their timestamps when the model uses
    /// calendar features: the input window slides over them.
    public mutating func update(with rows: SeriesData) throws {
        try requireFitted()
        guard !rows.target.isEmpty else { return }
        guard state.extra.seriesHistories.isEmpty else {
            throw ForecastingError.invalidConfiguration("a global model updates one series at a time: forecaster(forSeries:) first")
        }
        state.series.append(try state.series.checkedNewRows(rows, configuration), configuration)
    }

    /// The gradient-flow report of the fitted network on `series`: ||dLoss/dx_t|| for
    /// every input step t = 1...L, over the last `windows` training windows of the series
    /// (the training loss).
    public func gradientFlow(on series: SeriesData, windows: Int) throws -> [Double] {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        let c = configuration, l = c.window, x = series.target
        guard x.count >= l + c.horizon else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: l + c.horizon,
                                            reason: "for one window of \(l) and a horizon of \(c.horizon)")
        }
        let samples = try Windows(.manyToOne(inputLength: l, horizon: c.horizon), seriesLength: x.count, series: series.name).count
        var inputs: [Float] = [], targets: [Float] = [], heads: [Float] = []
        let first = max(0, samples - windows)
        for sample in first..<samples {
            let (input, scaling) = encoder.encode(series, end: sample + l)
            inputs += input
            if !c.futureCovariates.isEmpty { heads += encoder.headInputs(series, end: sample + l) }
            for h in 0..<c.horizon {
                let value = Float((x[sample + l + h] - scaling.baseline[h]) / scaling.scale)
                targets.append(value)  // one per step: a distribution head's outputs are per step, its target is not
            }
        }
        return network.gradientFlow(inputs, target: targets, batch: samples - first, steps: l, loss: c.trainingLoss,
                                    headInputs: heads)
    }
}
