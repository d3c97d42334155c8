import Neural
import TimeSeries

/// Stateful many-to-one forecasting (Keras `stateful=True` with `return_sequences=False`):
/// the network reads the series window after window with its state carried across, and the
/// direct head forecasts the H steps after the last state. Rows are scaled by one global
/// scaler (a state that runs across windows needs one scale for all of them), covariates by
/// theirs. After training the network runs over the whole history and keeps its state;
/// `update` advances it over new rows only.
public struct StatefulDirectForecaster: Forecaster {
    public let configuration: RecurrentConfiguration
    public var name: String { ModelKind(cell: configuration.cell).rawValue }
    public internal(set) var network: RecurrentNetwork?
    public var report: TrainingReport {
        get { state.report }
        set { state.report = newValue }
    }
    var training = TrainingParts()
    /// What the fitted model keeps besides its weights (the model file's metadata `state`).
    public struct FittedState: Sendable, Codable, Equatable, WindowState {
        public var history: [Double] = []
        public var covariateHistory: [[Double]] = []
        public var timestampHistory: [Timestamp]?
        public var lastValue = 0.0
        public var observations = 0
        public var fallbackScale = 1.0
        public var globalScaler = Scaler(kind: .identity, center: 0, scale: 1)
        public var covariateScalers: [Scaler] = []
        public var report = TrainingReport()
        public var frequencyCode = "index"
        /// The hidden (and cell) state after the history.
        public var hidden: [Float] = []
        public var cell: [Float]?
        /// The network's output there: the scaled H-step forecast, outputs per step interleaved.
        public var directOutput: [Float]?

        func validate(_ c: RecurrentConfiguration) throws(ForecastingError) {
            try validateRows(c)
            let outputs = c.horizon * c.outputsPerStep
            guard let output = directOutput, output.count == outputs, output.allSatisfy(\.isFinite) else {
                throw FittedStateCheck.bad("a stateful many-to-one model needs its \(outputs) finite outputs after the history")
            }
            try FittedStateCheck.recurrentState(hidden: hidden, cell: cell, c)
        }
    }

    public internal(set) var state = FittedState()
    public var progress: (@Sendable (TrainingProgress) -> Void)?

    public init(_ configuration: RecurrentConfiguration) {
        precondition(configuration.strategy == .statefulDirect, "StatefulDirectForecaster: the configuration is \(configuration.strategy)")
        self.configuration = configuration
    }

    public init(configuration: RecurrentConfiguration, network: RecurrentNetwork, state: FittedState) {
        self.init(configuration)
        self.network = network
        self.state = state
    }

    var encoder: WindowEncoder {
        get { state.encoder(configuration) }
        set { state.keep(newValue) }
    }

    public mutating func fit(_ series: SeriesData) throws {
        try fit(series, steps: nil, start: .fresh)
    }

    /// Trains on `series`: the training part (all but the last validation windows' rows) is
    /// cut into contiguous segments, one per batch row; batch k holds window k of every
    /// segment with the H values after it as target, so each row's state carries from one
    /// window to the next (`StatefulBatches`), reset at every epoch and at every segment's
    /// start. Validation: the forecasts from the ends of the last windows, the state run from
    /// zero over everything before each, in the training loss. Then the network runs over
    /// the whole history and keeps its state. `steps` and `start` as for `DirectForecaster`.
    mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        var c = configuration
        if let steps { c.maxSteps = steps }
        let x = series.target, h = c.horizon, n = x.count, f = c.featureCount
        let validation = try c.directWindows(x, series: series.name).validation  // long enough
        guard c.calendar.isEmpty || series.timestamps != nil else {
            throw ForecastingError.invalidConfiguration("calendar features need a time column")
        }
        guard series.covariates.count == c.covariates.count else {
            throw ForecastingError.invalidConfiguration("the model expects \(c.covariates.count) covariates, got \(series.covariates.count)")
        }
        state.frequencyCode = series.frequency.code
        encoder = .fitted(c, to: series)
        let trainLimit = n - validation  // training windows and their targets lie before this row
        let encoder = self.encoder, g = encoder.globalScaler
        let u = encoder.features(x, series.covariates, series.timestamps, rows: 0..<n, center: g.center, scale: g.scale)
        let y = x.map { Float(($0 - g.center) / g.scale) }
        let network = (start == .fresh ? nil : self.network) ?? c.makeNetwork(), loss = c.trainingLoss
        let resuming = start == .resume && self.network != nil
        let ends = (n - h - validation + 1)...(n - h)  // the last `validation` window ends

        func validationLoss() -> Double {
            var prediction: [Float] = [], target: [Float] = []
            var carried: RecurrentState?, from = 0
            for end in ends {
                prediction += network.forward(Array(u[(from * f)..<(end * f)]), batch: 1, steps: end - from,
                                              initialState: carried, differentiable: false)
                carried = network.finalState
                from = end
                target += y[end..<(end + h)]
            }
            return Double(loss.evaluate(prediction: prediction, target: target).loss)
        }
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        report = try trainer.trainContiguous(trainingRows: trainLimit, features: u, featureCount: f, target: y, horizon: h,
                                             validationSamples: validation, resuming: resuming ? report : nil,
                                             validation: validationLoss, series: series.name)
        self.network = network
        training.record(trainer, resumed: resuming)
        try state.take(series, c)
        warmUp(series)
    }

    /// Runs the network over the whole of `series` from a zero state and keeps the final
    /// state and the output there (the next forecast).
    mutating func warmUp(_ series: SeriesData) {
        guard let network, !series.target.isEmpty else { return }
        let g = encoder.globalScaler, n = series.target.count
        let u = encoder.features(series.target, series.covariates, series.timestamps, rows: 0..<n, center: g.center, scale: g.scale)
        state.directOutput = network.forward(u, batch: 1, steps: n, differentiable: false)
        state.hidden = network.finalState.hidden
        state.cell = network.finalState.cell
    }

    /// Forecasts from the end of `series`: the state is run over all of it from zero.
    public mutating func condition(on series: SeriesData) throws {
        try state.take(series, configuration)
        warmUp(series)
    }

    /// Validation MAE for the `auto` search: a stateful model has one scaling, so it is
    /// never compared; infinity.
    func validationError(_ series: SeriesData) -> Double { .infinity }

    public func predict(horizon: Int) throws -> Forecast {
        try configuration.checkDirectHorizon(horizon)
        guard network != nil, let output = state.directOutput else { throw ForecastingError.notFitted(model: name) }
        return configuration.directForecast(output[...], scaling: encoder.globalScaling, horizon: horizon)
    }

    /// Takes new observations after the history (as `DirectForecaster.update`) and advances
    /// the saved state over them (target, covariates and timestamps of the new rows only:
    /// cost proportional to their number), keeping the output there.
    public mutating func update(with values: [Double], covariates: [[Double]] = [], timestamps: [Timestamp]? = nil) throws {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard !values.isEmpty else { return }
        let rows = try state.checkedNewRows(values, covariates: covariates, timestamps: timestamps, configuration)
        let g = encoder.globalScaler
        let u = encoder.features(rows.values, rows.covariates, timestamps, rows: 0..<values.count, center: g.center, scale: g.scale)
        state.directOutput = network.forward(u, batch: 1, steps: values.count,
                                             initialState: RecurrentState(hidden: state.hidden, cell: state.cell, batch: 1),
                                             differentiable: false)
        state.hidden = network.finalState.hidden
        state.cell = network.finalState.cell
        state.append(rows.values, covariates: rows.covariates, timestamps: timestamps, configuration)
    }
}
