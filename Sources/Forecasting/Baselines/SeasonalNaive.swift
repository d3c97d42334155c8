/// The value one season earlier: f(h) = x[n - m + ((h - 1) mod m)] (statsforecast
/// `SeasonalNaive(season_length=m)`; m = 1 is `Naive`).
public struct SeasonalNaive: Forecaster {
    public let period: Int
    public var name: String { ModelKind.seasonalNaive.rawValue }
    private var lastSeason: [Double] = []

    /// An unfitted seasonal naive forecaster with seasonal period `period`.
    public init(period: Int) {
        precondition(period >= 1, "SeasonalNaive: period must be at least 1")
        self.period = period
    }

    public mutating func fit(_ series: SeriesData) throws {
        guard series.target.count >= period else {
            throw ForecastingError.tooShort(series: series.name, length: series.target.count, needed: period,
                                            reason: "for a seasonal naive forecast with period \(period)")
        }
        lastSeason = Array(series.target.suffix(period))
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard !lastSeason.isEmpty else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: (0..<horizon).map { lastSeason[$0 % period] })
    }
}
