/// Split-conformal intervals per horizon step (statsforecast's and NeuralForecast's
/// `conformal_distribution`): the absolute errors of a model's own forecasts at N
/// calibration origins just before the end of its training data, and the intervals they put
/// around any later point forecast. At step h the 2N values f_h - e_(j,h) and f_h + e_(j,h)
/// form the forecast's distribution; the interval of coverage c runs from its (1 - c') / 2
/// to its (1 + c') / 2 quantile (linear interpolation, numpy's default), so it widens with h
/// as the errors do. c' = min(1, c (N + 1) / N) is split conformal's finite-sample
/// correction (the ceil((N + 1) c) / N quantile of N scores covers at least c of an
/// exchangeable next one); statsforecast and NeuralForecast use c itself, which with ten
/// origins covered 73% where 80% was asked (BENCHMARKS.md, "Intervals").
public struct ConformalCalibration: Codable, Sendable, Equatable {
    /// Nominal coverages of the intervals, ascending, each in (0, 1).
    public var coverages: [Double]
    /// `scores[j][h]`: |actual - forecast| at step h + 1 of calibration origin j (oldest first).
    public var scores: [[Double]]
    /// Rows between consecutive calibration origins.
    public var step: Int

    /// A calibration from its coverages (sorted here), scores and origin spacing.
    public init(coverages: [Double], scores: [[Double]], step: Int) {
        self.coverages = coverages.sorted()
        self.scores = scores
        self.step = step
    }

    /// The steps calibrated (the forecast horizon at calibration).
    public var horizon: Int { scores.first?.count ?? 0 }

    /// The quantile levels the intervals take, ascending: (1 - c) / 2 and (1 + c) / 2 for each coverage c.
    public var levels: [Double] {
        (coverages.map { ((1 - $0) / 2).roundedLevel } + coverages.map { ((1 + $0) / 2).roundedLevel }).sorted()
    }

    /// Throws unless a forecast of `steps` steps is within the calibrated horizon.
    public func check(horizon steps: Int) throws(ForecastingError) {
        guard steps <= horizon else {
            throw .invalidConfiguration("a forecast of \(steps) steps is beyond the \(horizon) steps the conformal intervals were calibrated for; ask for at most \(horizon) (--horizon)")
        }
    }

    /// `point` with the conformal intervals around it: quantiles at `levels` and an interval
    /// per coverage. Steps beyond the calibrated horizon (which `check(horizon:)` refuses)
    /// would take the last step's scores.
    public func forecast(around point: [Double]) -> Forecast {
        let levels = self.levels
        let n = Double(scores.count)
        // The level each quantile is read at: the nominal one, widened by the correction.
        let read = levels.map { q in q < 0.5 ? max(0, 0.5 - (0.5 - q) * (n + 1) / n) : min(1, 0.5 + (q - 0.5) * (n + 1) / n) }
        var quantiles = levels.map { (level: $0, values: [Double]()) }
        for (i, f) in point.enumerated() {
            let h = min(i, horizon - 1)
            let values = (scores.map { f - $0[h] } + scores.map { f + $0[h] }).sorted()
            for k in levels.indices { quantiles[k].values.append(Forecast.quantile(values, read[k])) }
        }
        let intervals = coverages.map { c -> Forecast.Interval in
            let lower = quantiles.first { $0.level == ((1 - c) / 2).roundedLevel }?.values ?? []
            let upper = quantiles.first { $0.level == ((1 + c) / 2).roundedLevel }?.values ?? []
            return Forecast.Interval(coverage: c, lower: lower, upper: upper)
        }
        return Forecast(point: point, quantiles: quantiles, intervals: intervals)
    }

    /// Nominal coverages: from 0.001 to 0.999 (a coverage that rounds to 1 has no Winkler
    /// score), at most 20 of them.
    public static let coverageLimit = 0.001...0.999
    public static let coverageCount = 1...20

    /// Calibration origins at most (`--conformal-windows`).
    public static let windowLimit = 1...10_000
    /// Rows between calibration origins at most (`--conformal-step`).
    public static let stepLimit = 1...1_000_000

    /// Throws unless the calibration can put intervals around a forecast (a model file's):
    /// coverages in (0, 1) and distinct, origins and steps within their limits, every origin
    /// as many finite, non-negative scores.
    public func validate() throws(ForecastingError) {
        let horizonLimit = RecurrentConfiguration.Limits.horizon, windowLimit = ConformalCalibration.windowLimit
        func bad(_ reason: String) -> ForecastingError { .invalidConfiguration("conformal calibration: \(reason)") }
        guard ConformalCalibration.coverageCount.contains(coverages.count),
              coverages.allSatisfy(ConformalCalibration.coverageLimit.contains),
              Set(coverages.map(\.roundedLevel)).count == coverages.count else {
            throw bad("coverages \(coverages) must be 1 to 20 distinct values in \(ConformalCalibration.coverageLimit)")
        }
        guard windowLimit.contains(scores.count) else { throw bad("\(scores.count) origins, not in \(windowLimit)") }
        guard horizonLimit.contains(horizon), scores.allSatisfy({ $0.count == horizon }) else {
            throw bad("the origins' steps must be as many, in \(horizonLimit)")
        }
        guard scores.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 >= 0 } }) else {
            throw bad("scores must be finite and not negative")
        }
        guard ConformalCalibration.stepLimit.contains(step) else { throw bad("origin step \(step)") }
    }
}

extension Double {
    /// A quantile level to 1e-9, so 0.1 and (1 - 0.8) / 2 are one level.
    var roundedLevel: Double { (self * 1e9).rounded() / 1e9 }
}
