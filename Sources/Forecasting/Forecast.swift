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

    /// A forecast from its point values, quantiles by level and intervals.
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

    /// The q-quantile of ascending `values` by linear interpolation between order statistics
    /// (position q (n - 1); numpy's `linear`).
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        let position = q * Double(values.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, values.count - 1)
        return values[lo] + (values[hi] - values[lo]) * (position - Double(lo))
    }

    /// The equal-weight average of forecasts with the same horizon, quantile levels and
    /// intervals: points, quantiles and interval bounds are averaged value by value
    /// (quantile averaging, as in forecast combinations).
    public init(averaging forecasts: [Forecast]) {
        precondition(!forecasts.isEmpty, "Forecast(averaging:): no forecasts")
        let n = Double(forecasts.count)
        func mean(_ values: (Forecast) -> [Double]) -> [Double] {
            var total = values(forecasts[0])
            for forecast in forecasts.dropFirst() {
                for (i, v) in values(forecast).enumerated() { total[i] += v }
            }
            return total.map { $0 / n }
        }
        let first = forecasts[0]
        self.init(point: mean(\.point),
                  quantiles: first.quantiles.indices.map { k in
                      (level: first.quantiles[k].level, values: mean { $0.quantiles[k].values })
                  },
                  intervals: first.intervals.indices.map { k in
                      Interval(coverage: first.intervals[k].coverage, lower: mean { $0.intervals[k].lower },
                               upper: mean { $0.intervals[k].upper })
                  })
    }

    /// Sample paths ([paths][H]) summarised: the mean as the point forecast, the 2.5%, 5%,
    /// 10%, 50%, 90%, 95% and 97.5% quantiles (linear interpolation), and the 80%, 90% and
    /// 95% intervals.
    public init(summarizing paths: [[Double]]) {
        let horizon = paths.first?.count ?? 0
        let sorted = (0..<horizon).map { h in paths.map { $0[h] }.sorted() }
        let quantile = Forecast.quantile
        let levels = [0.025, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975]
        let quantiles = levels.map { q in (level: q, values: sorted.map { quantile($0, q) }) }
        self.init(point: sorted.map { $0.reduce(0, +) / Double(max($0.count, 1)) }, quantiles: quantiles,
                  intervals: [Interval(coverage: 0.8, lower: quantiles[2].values, upper: quantiles[4].values),
                              Interval(coverage: 0.9, lower: quantiles[1].values, upper: quantiles[5].values),
                              Interval(coverage: 0.95, lower: quantiles[0].values, upper: quantiles[6].values)])
    }
}
