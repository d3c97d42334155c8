/// The mean of the whole history, for every step (statsforecast `HistoricAverage`).
public struct HistoricMean: Forecaster {
    public var name: String { ModelKind.mean.rawValue }
    private var mean: Double?

    /// An unfitted historic-mean forecaster.
    public init() {}

    public mutating func fit(_ series: SeriesData) throws {
        guard !series.target.isEmpty else {
            throw ForecastingError.tooShort(series: series.name, length: 0, needed: 1, reason: "for a mean forecast")
        }
        mean = series.target.reduce(0, +) / Double(series.target.count)
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard let mean else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: Array(repeating: mean, count: horizon))
    }
}
