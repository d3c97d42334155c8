import Neural
import Support
import TimeSeries

/// What a fitted model keeps of one series: the rows its next forecast reads (the last L of
/// the history, or L + 1 for a sequence model), the fitted scalings that encode them, and how
/// many observations it has seen. Every strategy keeps one (`FittedState.series`), and a
/// global model one per series (`SeriesHistory`); the keys are those of the model file's
/// metadata `state`, each optional when read (a sequence model's files have no scalers).
public struct SeriesState: Sendable, Codable, Equatable {
    /// The values the next forecast starts from.
    public var history: [Double] = []
    /// Each past covariate's values on the rows of `history`.
    public var covariateHistory: [[Double]] = []
    /// The timestamps of `history`, for calendar features (nil without them).
    public var timestampHistory: [Timestamp]?
    /// The last observed value (missing new values carry it).
    public var lastValue = 0.0
    /// Observations the model has seen, training and updates.
    public var observations = 0
    /// The series' seasonal MAE, the scale of constant windows.
    public var fallbackScale = 1.0
    /// The training part's standard scaler (`global` normalisation, stateful models).
    public var globalScaler = Scaler(kind: .identity, center: 0, scale: 1)
    /// Each past covariate's standard scaler.
    public var covariateScalers: [Scaler] = []
    /// Each future covariate's values on the rows of `history`, and its standard scaler.
    public var futureHistory: [[Double]] = []
    public var futureScalers: [Scaler] = []
    /// The series' static covariates, encoded (`StaticEncoding`).
    public var statics: [Double] = []

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case history, covariateHistory, timestampHistory, lastValue, observations, fallbackScale, globalScaler, covariateScalers
        case futureHistory, futureScalers, statics
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(history, forKey: .history)
        try c.encode(covariateHistory, forKey: .covariateHistory)
        try c.encodeIfPresent(timestampHistory, forKey: .timestampHistory)
        try c.encode(lastValue, forKey: .lastValue)
        try c.encode(observations, forKey: .observations)
        try c.encode(fallbackScale, forKey: .fallbackScale)
        try c.encode(globalScaler, forKey: .globalScaler)
        try c.encode(covariateScalers, forKey: .covariateScalers)
        // The roles a model without them does not have are left out, as files before them had.
        if !futureHistory.isEmpty || !futureScalers.isEmpty {
            try c.encode(futureHistory, forKey: .futureHistory)
            try c.encode(futureScalers, forKey: .futureScalers)
        }
        if !statics.isEmpty { try c.encode(statics, forKey: .statics) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        history = try c.decodeIfPresent([Double].self, forKey: .history) ?? []
        covariateHistory = try c.decodeIfPresent([[Double]].self, forKey: .covariateHistory) ?? []
        timestampHistory = try c.decodeIfPresent([Timestamp].self, forKey: .timestampHistory)
        lastValue = try c.decodeIfPresent(Double.self, forKey: .lastValue) ?? 0
        observations = try c.decodeIfPresent(Int.self, forKey: .observations) ?? 0
        fallbackScale = try c.decodeIfPresent(Double.self, forKey: .fallbackScale) ?? 1
        globalScaler = try c.decodeIfPresent(Scaler.self, forKey: .globalScaler) ?? Scaler(kind: .identity, center: 0, scale: 1)
        covariateScalers = try c.decodeIfPresent([Scaler].self, forKey: .covariateScalers) ?? []
        futureHistory = try c.decodeIfPresent([[Double]].self, forKey: .futureHistory) ?? []
        futureScalers = try c.decodeIfPresent([Scaler].self, forKey: .futureScalers) ?? []
        statics = try c.decodeIfPresent([Double].self, forKey: .statics) ?? []
    }

    /// The rows the next forecast reads as a series (for the window encoder).
    var rows: SeriesData {
        SeriesData(target: history, covariates: covariateHistory, futureCovariates: futureHistory, staticCovariates: statics,
                   timestamps: timestampHistory)
    }

    /// The window encoder of `c` with these fitted scalings.
    func encoder(_ c: RecurrentConfiguration) -> WindowEncoder {
        WindowEncoder(c, fallbackScale: fallbackScale, globalScaler: globalScaler, covariateScalers: covariateScalers,
                      futureScalers: futureScalers)
    }

    /// Keeps the fitted scalings of `encoder`.
    mutating func keep(_ encoder: WindowEncoder) {
        fallbackScale = encoder.fallbackScale
        globalScaler = encoder.globalScaler
        covariateScalers = encoder.covariateScalers
        futureScalers = encoder.futureScalers
    }

    /// Takes the last `rows` rows of `series` (default the input window) as the rows the
    /// next forecast reads, with their covariates and, for calendar features, timestamps.
    mutating func take(_ series: SeriesData, _ c: RecurrentConfiguration, rows: Int? = nil) throws {
        let l = c.window, kept = rows ?? l
        guard series.target.count >= l else {
            throw ForecastingError.tooShort(series: series.name, length: series.target.count, needed: l,
                                            reason: "for the model's input window of \(l)")
        }
        history = Array(series.target.suffix(kept))
        covariateHistory = series.covariates.map { Array($0.suffix(kept)) }
        futureHistory = series.futureCovariates.map { Array($0.suffix(kept)) }
        statics = series.staticCovariates
        if !c.calendar.isEmpty {
            guard let stamps = series.timestamps else {
                throw ForecastingError.invalidConfiguration("the model uses calendar features; the data has no time column")
            }
            timestampHistory = Array(stamps.suffix(kept))
        } else {
            timestampHistory = nil
        }
        lastValue = series.target.last ?? lastValue
        observations = series.target.count
    }

    /// Checks new rows (`update`'s argument) against `c`, and returns them with missing
    /// values carried forward (the target from the last value, each covariate from its last).
    func checkedNewRows(_ rows: SeriesData, _ c: RecurrentConfiguration) throws -> SeriesData {
        guard covariateHistory.count == c.covariates.count, rows.covariates.count == c.covariates.count,
              futureHistory.count == c.futureCovariates.count, rows.futureCovariates.count == c.futureCovariates.count else {
            throw ForecastingError.invalidConfiguration(
                "the model has \(c.covariates.count) past and \(c.futureCovariates.count) future covariate(s); the new rows have \(rows.covariates.count) and \(rows.futureCovariates.count)")
        }
        if !c.calendar.isEmpty, rows.timestamps?.count != rows.target.count {
            throw ForecastingError.invalidConfiguration("the model uses calendar features: new rows need timestamps")
        }
        var filled = rows
        filled.target = Frame.forwardFilled(rows.target, after: lastValue)
        filled.covariates = rows.covariates.enumerated().map { k, column in
            Frame.forwardFilled(column, after: covariateHistory[k].last ?? 0)
        }
        filled.futureCovariates = rows.futureCovariates.enumerated().map { k, column in
            Frame.forwardFilled(column, after: futureHistory[k].last ?? 0)
        }
        filled.staticCovariates = statics
        return filled
    }

    /// Slides the rows the next forecast reads over new rows (`checkedNewRows`' result),
    /// keeping the last `kept` (default the input window).
    mutating func append(_ rows: SeriesData, _ c: RecurrentConfiguration, kept: Int? = nil) {
        guard !rows.target.isEmpty else { return }
        let l = kept ?? c.window
        if !c.calendar.isEmpty, let timestamps = rows.timestamps {
            timestampHistory = Array(((timestampHistory ?? []) + timestamps).suffix(l))
        }
        history = Array((history + rows.target).suffix(l))
        for k in covariateHistory.indices { covariateHistory[k] = Array((covariateHistory[k] + rows.covariates[k]).suffix(l)) }
        for k in futureHistory.indices { futureHistory[k] = Array((futureHistory[k] + rows.futureCovariates[k]).suffix(l)) }
        lastValue = rows.target[rows.target.count - 1]
        observations += rows.target.count
    }

    /// Throws unless these rows and scalings can be forecast from: finite values, at least
    /// `needed` rows (default the input window), covariate and calendar histories as long.
    func validate(_ c: RecurrentConfiguration, name: String = "history", needed: Int? = nil) throws(ForecastingError) {
        try FittedStateCheck.finite(name, history + [lastValue])
        let needed = needed ?? c.window
        guard history.count >= needed else { throw FittedStateCheck.bad("\(name) has \(history.count) values; the model reads \(needed)") }
        guard fallbackScale.isFinite, fallbackScale > 0 else { throw FittedStateCheck.bad("\(name): fallback scale \(fallbackScale)") }
        guard covariateHistory.count == c.covariates.count, covariateScalers.count == c.covariates.count,
              covariateHistory.allSatisfy({ $0.count == history.count }) else {
            throw FittedStateCheck.bad("\(name): covariate histories do not match the model's \(c.covariates.count) covariates")
        }
        for (k, column) in covariateHistory.enumerated() { try FittedStateCheck.finite("\(name) covariate \(k + 1)", column) }
        for (k, s) in covariateScalers.enumerated() { try FittedStateCheck.scaler("\(name) covariate scaler \(k + 1)", s) }
        guard futureHistory.count == c.futureCovariates.count, futureScalers.count == c.futureCovariates.count,
              futureHistory.allSatisfy({ $0.count == history.count }) else {
            throw FittedStateCheck.bad("\(name): future covariate histories do not match the model's \(c.futureCovariates.count)")
        }
        for (k, column) in futureHistory.enumerated() { try FittedStateCheck.finite("\(name) future covariate \(k + 1)", column) }
        for (k, s) in futureScalers.enumerated() { try FittedStateCheck.scaler("\(name) future covariate scaler \(k + 1)", s) }
        guard statics.count == c.staticCovariates.count else {
            throw FittedStateCheck.bad("\(name): \(statics.count) static values for the model's \(c.staticCovariates.count)")
        }
        try FittedStateCheck.finite("\(name) static covariates", statics)
        if !c.calendar.isEmpty, timestampHistory?.count != history.count {
            throw FittedStateCheck.bad("\(name): the model uses calendar features; \(timestampHistory?.count ?? 0) timestamps for \(history.count) values")
        }
        try FittedStateCheck.scaler("the global scaler", globalScaler)
        try FittedStateCheck.observations(observations, name: name)
    }
}

/// The checks of a decoded fitted state (a model file's) before any forecast; each throws
/// `invalidConfiguration` with the reason (`ModelFile` names the metadata key).
enum FittedStateCheck {
    static func bad(_ reason: String) -> ForecastingError { .invalidConfiguration(reason) }

    static func finite(_ name: String, _ values: [Double]) throws(ForecastingError) {
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw bad("\(name) holds \(values[i]) at index \(i)") }
    }

    static func scaler(_ name: String, _ s: Scaler) throws(ForecastingError) {
        guard s.center.isFinite, s.scale.isFinite, s.scale != 0 else { throw bad("\(name) has center \(s.center), scale \(s.scale)") }
    }

    static func observations(_ count: Int, name: String) throws(ForecastingError) {
        guard RecurrentConfiguration.Limits.observations.contains(count) else { throw bad("\(name): \(count) observations") }
    }
}
