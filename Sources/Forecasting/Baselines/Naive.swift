/// The last observed value, for every step (statsforecast `Naive`).
public struct Naive: Baseline {
    public var name: String { ModelKind.naive.rawValue }
    public var kind: ModelKind { .naive }
    private var last: Double?
    public private(set) var observations = 0
    public var lastValue: Double { last ?? .nan }

    /// An unfitted naive forecaster.
    public init() {}

    /// A naive forecaster fitted on a history of `observations` values ending with `last`.
    public init(last: Double, observations: Int) {
        self.last = last
        self.observations = observations
    }
    public init(_ configuration: RecurrentConfiguration) {}

    public mutating func fit(_ series: SeriesData) throws {
        guard let value = series.target.last else {
            throw ForecastingError.tooShort(series: series.name, length: 0, needed: 1, reason: "for a naive forecast")
        }
        last = value
        observations = series.target.count
    }

    public mutating func update(with values: [Double]) {
        guard let value = values.last else { return }
        last = value
        observations += values.count
    }

    public func validate() throws(ForecastingError) {
        guard let last, last.isFinite, observations >= 1 else {
            throw .invalidConfiguration("a naive model needs a finite last value")
        }
    }

    public func predict(horizon: Int) throws -> Forecast {
        guard let last else { throw ForecastingError.notFitted(model: name) }
        return Forecast(point: Array(repeating: last, count: horizon))
    }
}
