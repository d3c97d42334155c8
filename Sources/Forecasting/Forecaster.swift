/// A model that learns from a history and forecasts the steps after it.
public protocol Forecaster {
    /// A short name for tables and the store: `naive`, `seasonal-naive`, `gru`, ...
    var name: String { get }
    /// Estimates the model from `series` (everything it learns comes from these values).
    mutating func fit(_ series: SeriesData) throws
    /// The forecast of the `horizon` steps after the fitted history.
    func predict(horizon: Int) throws -> Forecast
    /// The forecast of the `horizon` steps after the fitted history, with the values of the
    /// inputs known in advance for those steps (a model without such inputs ignores them).
    func predict(horizon: Int, future: FutureInputs) throws -> Forecast
    /// What the last fit chose beyond the configuration and what its forecast is (a backtest
    /// stores it per fit, `train` prints it); nil for a model that chooses nothing.
    var fitSummary: FitSummary? { get }
}

extension Forecaster {
    /// A model without inputs known in advance forecasts from its history alone.
    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast { try predict(horizon: horizon) }

    public var fitSummary: FitSummary? { nil }
}


/// Errors of fitting and forecasting.
public enum ForecastingError: Error, CustomStringConvertible, Sendable, Equatable {
    case notFitted(model: String)
    case tooShort(series: String, length: Int, needed: Int, reason: String)
    /// Training diverged: the loss became NaN or infinite.
    case diverged(epoch: Int, detail: String)
    case badModelFile(path: String, reason: String)
    case incompatibleData(path: String, reason: String)
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .notFitted(let model): "\(model): predict before fit"
        case .tooShort(let series, let length, let needed, let reason):
            "\(series): series has \(length) values, fewer than the \(needed) needed \(reason)"
        case .diverged(let epoch, let detail):
            "training diverged at epoch \(epoch): \(detail); try a lower --learning-rate or --clip"
        case .badModelFile(let path, let reason): "\(path): not a model file of this tool: \(reason)"
        case .incompatibleData(let path, let reason): "\(path): the model does not fit this data: \(reason)"
        case .invalidConfiguration(let reason): reason
        }
    }
}

/// A fitted forecaster that can move its forecast origin later without refitting (the
/// backtester's `--refit-every k` forecasts with it between refits).
public protocol Refreshable: Forecaster {
    /// Moves the origin to the end of `series`, the same series the model was fitted on
    /// extended by `newRows` values at its end.
    mutating func refresh(with series: SeriesData, newRows: Int) throws
}

/// A fitted forecaster that can be refitted on new data from what it learned (a warm refit:
/// the backtester's `--refit warm`).
public protocol WarmRefittable: Forecaster {
    /// This model refitted on `series` (the series it was fitted on, longer) starting from
    /// its fitted weights, in at most `steps` training steps; `self` is unchanged.
    func warmRefitted(on series: SeriesData, steps: Int) throws -> Self
}

/// A baseline: a forecast rule of the history whose fitted state a model file keeps
/// (`Codable`), that new observations advance exactly as a fit on the longer history would
/// (`update`), and whose decoded state `validate` checks before any forecast.
public protocol Baseline: Forecaster, Codable, Sendable {
    /// Its kind in the registry.
    var kind: ModelKind { get }
    /// Observations it has seen, fit and updates.
    var observations: Int { get }
    /// The last observation (missing new values carry it).
    var lastValue: Double { get }
    /// Takes new observations after the history (no missing values).
    mutating func update(with values: [Double])
    /// Throws unless the state can be forecast from (a decoded model file's).
    func validate() throws(ForecastingError)
    /// An unfitted baseline with the settings of `configuration` it takes (the seasonal period).
    init(_ configuration: RecurrentConfiguration)
}
