/// The last observed value, for every step (statsforecast `Naive`).
public struct Naive: Forecaster {
    public var name: String { ModelKind.naive.rawValue }
    private var last: Double?

    /// An unfitted naive forecaster.
    public init() {}

    public mutating func fit(_ series: SeriesData) throws {
        guard let value = series.target.last else {
            throw ForecastingError.tooShort(series: series.name, length: 0, needed: 1, reason: "for a naive forecast")
        }
        last = value
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard let last else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: Array(repeating: last, count: horizon))
    }
}
