/// The random walk with drift: f(h) = x_n + h (x_n - x_1) / (n - 1) (statsforecast
/// `RandomWalkWithDrift`).
public struct Drift: Baseline {
    public var name: String { ModelKind.drift.rawValue }
    public var kind: ModelKind { .drift }
    private var first = 0.0
    private var last: Double?
    public private(set) var observations = 0
    public var lastValue: Double { last ?? .nan }

    /// An unfitted drift forecaster.
    public init() {}
    public init(_ configuration: RecurrentConfiguration) {}

    public mutating func fit(_ series: SeriesData) throws {
        let x = series.target
        guard let start = x.first, let final = x.last, x.count >= 2 else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: 2, reason: "for a drift forecast")
        }
        first = start
        last = final
        observations = x.count
    }

    public mutating func update(with values: [Double]) {
        guard let value = values.last else { return }
        last = value
        observations += values.count
    }

    public func validate() throws(ForecastingError) {
        guard let last, last.isFinite, first.isFinite, observations >= 2 else {
            throw .invalidConfiguration("a drift model needs finite first and last values of two observations or more")
        }
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard let last else { throw ForecastingError.notFitted(model: name) }
        let slope = (last - first) / Double(observations - 1)
        return Forecast(point: (1...max(horizon, 1)).prefix(horizon).map { last + Double($0) * slope })
    }
}
