/// The forecast of one series for steps 1...H after the end of its history.
public struct Forecast: Sendable, Equatable {
    /// A central prediction interval.
    public struct Interval: Sendable, Equatable {
        /// Nominal coverage, e.g. 0.8 for the 10%-90% interval.
        public var coverage: Double
        public var lower: [Double]
        public var upper: [Double]
    }

    /// The point forecast (the mean, or the median of a quantile head).
    public var point: [Double]
    /// Quantile forecasts by level, ascending, when the model has them.
    public var quantiles: [(level: Double, values: [Double])]
    /// Prediction intervals, when the model has them.
    public var intervals: [Interval]

    public init(point: [Double], quantiles: [(level: Double, values: [Double])] = [], intervals: [Interval] = []) {
        self.point = point
        self.quantiles = quantiles
        self.intervals = intervals
    }

    public static func == (a: Forecast, b: Forecast) -> Bool {
        a.point == b.point && a.intervals == b.intervals && a.quantiles.count == b.quantiles.count
            && zip(a.quantiles, b.quantiles).allSatisfy { $0.level == $1.level && $0.values == $1.values }
    }

    /// The horizon.
    public var horizon: Int { point.count }
}
