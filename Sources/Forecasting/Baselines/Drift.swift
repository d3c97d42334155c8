/// The random walk with drift: f(h) = x_n + h (x_n - x_1) / (n - 1) (statsforecast
/// `RandomWalkWithDrift`).
public struct Drift: Forecaster {
    public var name: String { ModelKind.drift.rawValue }
    private var last: Double?
    private var slope = 0.0

    /// An unfitted drift forecaster.
    public init() {}

    public mutating func fit(_ series: SeriesData) throws {
        let x = series.target
        guard let first = x.first, let final = x.last, x.count >= 2 else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: 2, reason: "for a drift forecast")
        }
        last = final
        slope = (final - first) / Double(x.count - 1)
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard let last else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: (1...max(horizon, 1)).prefix(horizon).map { last + Double($0) * slope })
    }
}
