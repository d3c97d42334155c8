import Neural
import TimeSeries

/// The contract of a forecasting strategy of a recurrent network: how a series becomes
/// training samples, how the network trains and forecasts, what the fitted model keeps and
/// how the model file holds it. Every strategy conforms (`DirectForecaster`,
/// `StatefulDirectForecaster`, `SequenceForecaster`, `EncoderDecoderForecaster`) and is
/// listed once in `RecurrentForecaster.strategies`; `RecurrentForecaster` (what the registry
/// makes and the model file holds) runs one or several of them through this protocol alone.
///
/// Adding a strategy: one file with a type conforming to this protocol (what `serves` says
/// it forecasts, `fit`, `validationError`, `predict`, `condition`, `update`, its tensors and
/// `init(configuration:state:tensors:source:)` for the model file), and its line in
/// `RecurrentForecaster.strategies`; a new mode or flag it needs is a case of
/// `RecurrentConfiguration.Mode` and the rules of `RuleBook` that say what it combines with.
public protocol RecurrentStrategy: Forecaster {
    /// What the strategy keeps of its own beyond the shared fields of `FittedState`.
    associatedtype Extra: Codable & Sendable & Equatable

    /// Whether this strategy forecasts as `configuration` asks (its mode and `stateful`);
    /// exactly one registered strategy serves each configuration the rule book accepts.
    static func serves(_ configuration: RecurrentConfiguration) -> Bool

    /// An unfitted strategy of `configuration`.
    init(_ configuration: RecurrentConfiguration)

    /// A fitted strategy from a model file's parts: its configuration (validated), its state
    /// (decoded from metadata `state`) and its tensors under the names `tensors()` gives.
    /// Throws `invalidConfiguration` for a state it cannot forecast from, or the network's
    /// error for tensors that do not fit.
    init(configuration: RecurrentConfiguration, state: FittedState<Extra>, tensors: [String: SafeTensors.Tensor],
         source: String) throws

    var configuration: RecurrentConfiguration { get }
    /// The fitted state (the model file's metadata `state`).
    var state: FittedState<Extra> { get set }
    /// The networks trained together (one, or an encoder and its decoder); empty before `fit`.
    var networks: [RecurrentNetwork] { get set }
    /// Called after every training epoch (for a progress bar); not saved.
    var progress: (@Sendable (TrainingProgress) -> Void)? { get set }
    /// How far training in parts (the `auto` search) has come; not saved.
    var training: TrainingParts { get set }

    /// Fits on `series` with the configured (not `auto`) scaling: `steps` replaces `maxSteps`
    /// for this call, and `start` says where training starts (new networks, the fitted ones
    /// going on, or the fitted weights on new data).
    mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws

    /// Mean absolute error, in the series' units, of the fitted model's forecasts for its
    /// validation windows of `series` (the measure the `auto` search compares); infinity
    /// when it cannot tell.
    func validationError(_ series: SeriesData) -> Double

    /// The forecast of the `horizon` steps after the history, with the future values of the
    /// inputs known in advance that it takes (`future`).
    func predict(horizon: Int, future: FutureInputs) throws -> Forecast

    /// Forecasts from the end of `series` instead of the end of the training history (no
    /// retraining): window models read its last rows, state models run over it.
    mutating func condition(on series: SeriesData) throws

    /// Takes new rows after the history (NaN: carry the last value), with their covariates
    /// and timestamps: a stateful strategy advances its saved state over them only, the
    /// others slide their input window.
    mutating func update(with rows: SeriesData) throws

    /// The fitted networks' tensors under the model file's names (PyTorch's: `rnn.weight_ih_l0`, ...).
    func tensors() throws -> [String: SafeTensors.Tensor]

    // Global models over many series (the direct strategy; others refuse through the rule book).

    /// Fits one network on every series of `panel`, as `fit` does one.
    mutating func fit(panel: [SeriesData], steps: Int?, start: TrainingStart) throws
    /// The validation error over every series of a panel (each divided by its scale).
    func validationError(panel: [SeriesData]) -> Double
    /// The names of the series of a global model (empty for a one-series model).
    var seriesNames: [String] { get }
    /// The strategy for one series of a global model: the shared networks with that series' rows.
    func forSeries(_ name: String) throws -> Self
    /// Forecasts of fitted strategies of this type that share their networks (a global model's
    /// series) in one inference pass, the same numbers as one by one, each with its future
    /// inputs; nil when they do not share.
    static func predict(sharing strategies: [Self], horizon: Int, futures: [FutureInputs]) throws -> [Forecast]?

    /// The gradient-flow report of the fitted network on `series`: ||dLoss/dx_t|| for every
    /// input step, over its last `windows` training windows (`forecast diagnose`).
    func gradientFlow(on series: SeriesData, windows: Int) throws -> [Double]
}

extension RecurrentStrategy {
    /// The registry's kind of this network (`gru`, `lstm`, `rnn`, `rnn-relu`).
    public var name: String { ModelKind(cell: configuration.cell).rawValue }

    /// Fits on `series` from new networks with the configured scaling (the `Forecaster`
    /// contract; `RecurrentForecaster.fit` adds the `auto` search).
    public mutating func fit(_ series: SeriesData) throws { try fit(series, steps: nil, start: .fresh) }

    /// The forecast of the `horizon` steps after the history, with no future inputs.
    public func predict(horizon: Int) throws -> Forecast { try predict(horizon: horizon, future: .none) }

    /// `update(with:)` from the new rows' values, covariates (one array per covariate) and timestamps.
    public mutating func update(with values: [Double], covariates: [[Double]] = [], timestamps: [Timestamp]? = nil) throws {
        guard covariates.allSatisfy({ $0.count == values.count }) else {
            throw ForecastingError.invalidConfiguration(
                "the new rows have \(values.count) values but covariates of \(covariates.map(\.count)) values")
        }
        try update(with: SeriesData(name: "new rows", target: values, covariates: covariates, timestamps: timestamps))
    }

    /// The rows the next forecast reads and their scalings (`state.series`).
    public var seriesState: SeriesState { state.series }

    /// What training did.
    public var report: TrainingReport {
        get { state.report }
        set { state.report = newValue }
    }

    /// The window encoder of the fitted scalings (kept in `state.series`), for the
    /// strategies that read windows.
    var encoder: WindowEncoder {
        get { state.series.encoder(configuration) }
        set { state.series.keep(newValue) }
    }

    /// Throws `notFitted` unless the networks are there.
    func requireFitted() throws {
        guard !networks.isEmpty else { throw ForecastingError.notFitted(model: name) }
    }

    /// The configuration a fit runs with, after the checks every strategy shares: the rule
    /// book, `steps` as the budget, the calendar's time column, the covariates asked for;
    /// the data's grid is kept. A strategy checks the series' length before (a short
    /// series' first error names what the strategy needs).
    mutating func beginFit(_ series: SeriesData, steps: Int?) throws -> RecurrentConfiguration {
        var c = configuration
        try RuleBook.check(RuleBook.Choices(c, global: !series.staticCovariates.isEmpty))
        if let steps { c.maxSteps = steps }
        guard c.calendar.isEmpty || series.timestamps != nil else {
            throw ForecastingError.invalidConfiguration("calendar features need a time column")
        }
        guard series.covariates.count == c.covariates.count else {
            throw ForecastingError.invalidConfiguration("the model expects \(c.covariates.count) covariates, got \(series.covariates.count)")
        }
        guard series.futureCovariates.count == c.futureCovariates.count, series.staticCovariates.count == c.staticCovariates.count else {
            throw ForecastingError.invalidConfiguration(
                "the model expects \(c.futureCovariates.count) future and \(c.staticCovariates.count) static covariates, got \(series.futureCovariates.count) and \(series.staticCovariates.count)")
        }
        state.frequencyCode = series.frequency.code
        return c
    }

    /// A copy whose networks are its own (the same weights), so training it leaves this one as it is.
    func copied() throws -> Self {
        var copy = self
        copy.networks = try networks.map { network in
            let twin = RecurrentNetwork(network.configuration, seed: 0)
            try twin.load(network.namedTensors, source: "the fitted model")
            return twin
        }
        return copy
    }

    // The defaults of a one-series strategy: it has no global model (the rule book refuses
    // one before these are reached) and no gradient-flow report.

    public mutating func fit(panel: [SeriesData], steps: Int?, start: TrainingStart) throws {
        try RuleBook.check(RuleBook.Choices(configuration, global: true))
        throw ForecastingError.invalidConfiguration("a global model over several series is many-to-one and not stateful")
    }

    public func validationError(panel: [SeriesData]) -> Double { .infinity }

    public var seriesNames: [String] { [] }

    public func forSeries(_ name: String) throws -> Self {
        throw ForecastingError.invalidConfiguration("the model is not a global model; it has no series \"\(name)\"")
    }

    public static func predict(sharing strategies: [Self], horizon: Int, futures: [FutureInputs]) throws -> [Forecast]? { nil }

    public func gradientFlow(on series: SeriesData, windows: Int) throws -> [Double] {
        let c = configuration
        throw ForecastingError.invalidConfiguration(
            "diagnose takes many-to-one models that are not stateful; this one is \(c.mode.rawValue)\(c.stateful ? ", stateful" : "")")
    }
}

/// A strategy of one network (every one but the encoder-decoder): its networks, tensors
/// and model-file loading follow from it.
protocol SingleNetworkStrategy: RecurrentStrategy {
    /// The trained network (nil before `fit`).
    var network: RecurrentNetwork? { get set }
}

extension SingleNetworkStrategy {
    public var networks: [RecurrentNetwork] {
        get { network.map { [$0] } ?? [] }
        set { network = newValue.first }
    }

    public func tensors() throws -> [String: SafeTensors.Tensor] {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        return network.namedTensors
    }

    /// Takes a model file's state (checked by the caller) and its tensors into a new network.
    mutating func load(_ state: FittedState<Extra>, tensors: [String: SafeTensors.Tensor], source: String) throws {
        let network = configuration.makeNetwork()
        try network.load(tensors, source: source)
        self.network = network
        self.state = state
    }
}

/// What a forecast needs beyond the history: the values, for each of the steps forecast, of
/// the inputs known in advance. Empty for models without such inputs (every model today:
/// the calendar is computed from the grid).
public struct FutureInputs: Sendable, Equatable {
    /// One array per future-known covariate, a value per step forecast.
    public var covariates: [[Double]]

    public init(covariates: [[Double]] = []) { self.covariates = covariates }

    /// Nothing beyond the history.
    public static let none = FutureInputs()
}
