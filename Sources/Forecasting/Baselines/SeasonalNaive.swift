/// The value one season earlier: f(h) = x[n - m + ((h - 1) mod m)] (statsforecast
/// `SeasonalNaive(season_length=m)`; m = 1 is `Naive`).
public struct SeasonalNaive: Baseline, Equatable {
    public let period: Int
    public var name: String { ModelKind.seasonalNaive.rawValue }
    public var kind: ModelKind { .seasonalNaive }
    private var lastSeason: [Double] = []
    public private(set) var observations = 0
    public var lastValue: Double { lastSeason.last ?? .nan }

    /// An unfitted seasonal naive forecaster with seasonal period `period`.
    public init(period: Int) {
        precondition(period >= 1, "SeasonalNaive: period must be at least 1")
        self.period = period
    }

    /// The configuration's seasonal period.
    public init(_ configuration: RecurrentConfiguration) { self.init(period: configuration.season) }

    public mutating func fit(_ series: SeriesData) throws {
        guard series.target.count >= period else {
            throw ForecastingError.tooShort(series: series.name, length: series.target.count, needed: period,
                                            reason: "for a seasonal naive forecast with period \(period)")
        }
        lastSeason = Array(series.target.suffix(period))
        observations = series.target.count
    }

    public mutating func update(with values: [Double]) {
        lastSeason = Array((lastSeason + values).suffix(period))
        observations += values.count
    }

    public func validate() throws(ForecastingError) {
        guard RecurrentConfiguration.Limits.season.contains(period), lastSeason.count == period,
              lastSeason.allSatisfy(\.isFinite), observations >= period else {
            throw .invalidConfiguration("a seasonal naive model needs its last \(period) finite values")
        }
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard !lastSeason.isEmpty else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: (0..<horizon).map { lastSeason[$0 % period] })
    }
}
