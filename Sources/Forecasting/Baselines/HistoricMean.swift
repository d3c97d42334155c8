/// The mean of the whole history, for every step (statsforecast `HistoricAverage`).
public struct HistoricMean: Baseline {
    public var name: String { ModelKind.mean.rawValue }
    public var kind: ModelKind { .mean }
    private var sum = 0.0
    public private(set) var observations = 0
    public private(set) var lastValue = Double.nan

    /// An unfitted historic-mean forecaster.
    public init() {}
    public init(_ configuration: RecurrentConfiguration) {}

    public mutating func fit(_ series: SeriesData) throws {
        guard !series.target.isEmpty else {
            throw ForecastingError.tooShort(series: series.name, length: 0, needed: 1, reason: "for a mean forecast")
        }
        sum = series.target.reduce(0, +)
        observations = series.target.count
        lastValue = series.target[series.target.count - 1]
    }

    public mutating func update(with values: [Double]) {
        sum = values.reduce(sum, +)  // the same sums, in the same order, as a fit on the longer history
        observations += values.count
        lastValue = values.last ?? lastValue
    }

    public func validate() throws(ForecastingError) {
        guard sum.isFinite, lastValue.isFinite, observations >= 1 else { throw .invalidConfiguration("a mean model needs a finite sum of one observation or more") }
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard observations > 0 else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: Array(repeating: sum / Double(observations), count: horizon))
    }
}
