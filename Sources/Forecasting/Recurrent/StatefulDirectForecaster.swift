import Neural
import TimeSeries

/// Stateful many-to-one forecasting (Keras `stateful=True` with `return_sequences=False`):
/// the network reads the series window after window with its state carried across, and the
/// direct head forecasts the H steps after the last state. Rows are scaled by one global
/// scaler (a state that runs across windows needs one scale for all of them), covariates by
/// theirs. After training the network runs over the whole history and keeps its state;
/// `update` advances it over new rows only.
public struct StatefulDirectForecaster: SingleNetworkStrategy {
    public let configuration: RecurrentConfiguration
    public internal(set) var network: RecurrentNetwork?
    /// What a stateful many-to-one model keeps of its own: the hidden (and cell) state after
    /// the history, and the network's output there (the scaled H-step forecast, outputs per
    /// step interleaved).
    public struct Extra: Sendable, Codable, Equatable {
        public var hidden: [Float] = []
        public var cell: [Float]?
        public var directOutput: [Float]?

        var recurrent: SavedRecurrentState {
            get { SavedRecurrentState(hidden: hidden, cell: cell) }
            set { (hidden, cell) = (newValue.hidden, newValue.cell) }
        }
    }
    public var state = FittedState(extra: Extra())
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    public var training = TrainingParts()

    public static func serves(_ c: RecurrentConfiguration) -> Bool { c.mode == .manyToOne && c.stateful }

    public init(_ configuration: RecurrentConfiguration) {
        precondition(Self.serves(configuration), "StatefulDirectForecaster: the configuration is \(configuration.modeDescription)")
        self.configuration = configuration
    }

    public init(configuration: RecurrentConfiguration, state: FittedState<Extra>, tensors: [String: SafeTensors.Tensor],
                source: String) throws {
        self.init(configuration)
        let c = configuration
        try state.series.validate(c)
        let outputs = c.horizon * c.outputsPerStep
        // Without future covariates the output after the history is kept; with them the head
        // runs at predict time.
        if c.futureCovariates.isEmpty {
            guard let output = state.extra.directOutput, output.count == outputs, output.allSatisfy(\.isFinite) else {
                throw FittedStateCheck.bad("a stateful many-to-one model needs its \(outputs) finite outputs after the history")
            }
        }
        try state.extra.recurrent.validate(c)
        try load(state, tensors: tensors, source: source)
    }

    /// Trains on `series`: the training part (all but the last validation windows' rows) is
    /// cut into contiguous segments, one per batch row; batch k holds window k of every
    /// segment with the H values after it as target, so each row's state carries from one
    /// window to the next (`StatefulBatches`), reset at every epoch and at every segment's
    /// start. Validation: the forecasts from the ends of the last windows, the state run from
    /// zero over everything before each, in the training loss. Then the network runs over
    /// the whole history and keeps its state. `steps` and `start` as for `DirectForecaster`.
    public mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        let validation = try configuration.directWindows(series.target, series: series.name).validation  // long enough
        let c = try beginFit(series, steps: steps)
        let x = series.target, h = c.horizon, n = x.count, f = c.featureCount
        encoder = .fitted(c, to: series)
        let trainLimit = n - validation  // training windows and their targets lie before this row
        let encoder = self.encoder, g = encoder.globalScaler
        let u = encoder.features(series, rows: 0..<n, center: g.center, scale: g.scale)
        let y = x.map { Float(($0 - g.center) / g.scale) }
        let network = (start == .fresh ? nil : self.network) ?? c.makeNetwork(), loss = c.trainingLoss
        let resuming = start == .resume && self.network != nil
        let ends = (n - h - validation + 1)...(n - h)  // the last `validation` window ends
        // The head's future covariates for the window ending at a row: the H rows after it.
        let headInputs: ((Int) -> [Float])? = c.futureCovariates.isEmpty ? nil : { encoder.headInputs(series, end: $0) }

        func validationLoss() -> Double {
            var prediction: [Float] = [], target: [Float] = [], observed: [Bool] = []
            var carried: RecurrentState?, from = 0
            for end in ends {
                prediction += network.forward(Array(u[(from * f)..<(end * f)]), batch: 1, steps: end - from,
                                              initialState: carried, differentiable: false, headInputs: headInputs?(end) ?? [])
                carried = network.finalState
                from = end
                target += y[end..<(end + h)]
                observed += (end..<(end + h)).map(series.isObserved)
            }
            return Double(loss.evaluate(prediction: prediction, target: target, observed: series.observed == nil ? nil : observed).loss)
        }
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        report = try trainer.trainContiguous(trainingRows: trainLimit, features: u, featureCount: f, target: y, horizon: h,
                                             observed: series.observed, headInputs: headInputs,
                                             validationSamples: validation, resuming: resuming ? report : nil,
                                             validation: validationLoss, series: series.name)
        self.network = network
        training.record(trainer, resumed: resuming)
        try state.series.take(series, c)
        warmUp(series)
    }

    /// Runs the network over the whole of `series` from a zero state and keeps the final
    /// state and, without future covariates, the output there (the next forecast; with them
    /// the head runs at `predict`, once their values are given).
    mutating func warmUp(_ series: SeriesData) {
        guard let network, !series.target.isEmpty else { return }
        let g = encoder.globalScaler, n = series.target.count
        let u = encoder.features(series, rows: 0..<n, center: g.center, scale: g.scale)
        advance(network, over: u, steps: n, from: nil)
    }

    /// Runs `network` over the encoded rows `u` from `initial` and keeps the state (and
    /// output) after them.
    mutating func advance(_ network: RecurrentNetwork, over u: [Float], steps: Int, from initial: RecurrentState?) {
        let c = configuration
        let output = network.forward(u, batch: 1, steps: steps, initialState: initial, differentiable: false,
                                     headInputs: Array(repeating: 0, count: c.headInputCount))
        state.extra.directOutput = c.futureCovariates.isEmpty ? output : nil
        state.extra.recurrent = SavedRecurrentState(network.finalState)
    }

    /// Forecasts from the end of `series`: the state is run over all of it from zero.
    public mutating func condition(on series: SeriesData) throws {
        try state.series.take(series, configuration)
        warmUp(series)
    }

    /// Validation MAE for the `auto` search: a stateful model has one scaling, so it is
    /// never compared; infinity.
    public func validationError(_ series: SeriesData) -> Double { .infinity }

    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        let c = configuration
        try c.checkDirectHorizon(horizon)
        try c.checkFuture(future)
        guard let network else { throw ForecastingError.notFitted(model: name) }
        if c.futureCovariates.isEmpty {
            guard let output = state.extra.directOutput else { throw ForecastingError.notFitted(model: name) }
            return c.directForecast(output[...], scaling: encoder.globalScaling, horizon: horizon)
        }
        // The head on the last layer's saved state, with the future covariates' values.
        let last = Array(state.extra.hidden.suffix(c.hiddenSize))
        let output = network.head(lastHidden: last, headInputs: encoder.headInputs(future.covariates), batch: 1)
        return c.directForecast(output[...], scaling: encoder.globalScaling, horizon: horizon)
    }

    /// Takes new observations after the history (as `DirectForecaster.update`) and advances
    /// the saved state over them (target, covariates and timestamps of the new rows only:
    /// cost proportional to their number), keeping the output there.
    public mutating func update(with rows: SeriesData) throws {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard !rows.target.isEmpty else { return }
        let checked = try state.series.checkedNewRows(rows, configuration)
        let g = encoder.globalScaler, count = rows.target.count
        let u = encoder.features(checked, rows: 0..<count, center: g.center, scale: g.scale)
        advance(network, over: u, steps: count, from: state.extra.recurrent.initial)
        state.series.append(checked, configuration)
    }
}
