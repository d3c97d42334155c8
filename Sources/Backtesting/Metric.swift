/// The one table of metrics: each with its name (in the store, CSV, JSON and `plot
/// --metric`), its label in tables, what each scored pair adds to it and how the total
/// finishes. `Metrics` accumulates every entry, `Metrics.Row.named` lists the figures in this
/// order, and the report, the plot and the store read their names from here.
///
/// Adding a metric is one entry in `all` (a point metric: a `term` and a `finish`).
public struct Metric: Sendable {
    /// What a metric is computed from.
    public enum Family: Sendable {
        /// Every scored pair: one figure.
        case point
        /// Every quantile level of a forecast with quantiles: one figure per level (`name_level`).
        case quantile
        /// Every central interval of a forecast with quantiles: one figure per nominal coverage (`name_coverage`).
        case interval
        /// A figure of another metric's figures over its levels (listed after them), when it has any.
        case summary(of: String, @Sendable (_ values: [Double]) -> Double)
    }

    /// One scored pair: the actual, the forecast (a point, or one quantile's value), the
    /// MASE scale of the pair's origin, and for a quantile its level, for an interval its
    /// bounds and nominal coverage (`level`).
    public struct Pair: Sendable {
        public var actual: Double
        public var forecast: Double
        public var scale: Double
        public var level = 0.0
        public var lower = 0.0
        public var upper = 0.0
    }

    public let name: String
    /// Its label in tables (`MAE`).
    public let label: String
    public let family: Family
    /// What a pair adds; nil when the pair does not count (MAPE's zero actuals).
    let term: @Sendable (Pair) -> Double?
    /// The figure from the total of the terms and their count.
    let finish: @Sendable (_ total: Double, _ count: Int) -> Double

    /// The mean of the terms.
    static let mean: @Sendable (Double, Int) -> Double = { total, count in total / Double(count) }

    /// Mean |e|, e = actual - forecast.
    public static let mae = Metric(name: "mae", label: "MAE", family: .point, term: { abs($0.actual - $0.forecast) }, finish: mean)
    /// Root of the mean e^2.
    public static let rmse = Metric(name: "rmse", label: "RMSE", family: .point,
                                    term: { ($0.actual - $0.forecast) * ($0.actual - $0.forecast) },
                                    finish: { total, count in (total / Double(count)).squareRoot() })
    /// Mean of 100 |e| / |a| over the pairs with a != 0 (NaN when there is none).
    public static let mape = Metric(name: "mape", label: "MAPE", family: .point,
                                    term: { $0.actual != 0 ? 100 * abs($0.actual - $0.forecast) / abs($0.actual) : nil },
                                    finish: { total, count in count > 0 ? total / Double(count) : .nan })
    /// Mean of 200 |e| / (|a| + |f|), a term 0 when both are 0 (0-200).
    public static let smape = Metric(name: "smape", label: "sMAPE", family: .point, term: { p in
        let denominator = abs(p.actual) + abs(p.forecast)
        return denominator == 0 ? 0 : 200 * abs(p.actual - p.forecast) / denominator
    }, finish: mean)
    /// Mean |e| / Q_k, Q_k the in-sample seasonal-naive MAE of the pair's origin.
    public static let mase = Metric(name: "mase", label: "MASE", family: .point, term: { abs($0.actual - $0.forecast) / $0.scale },
                                    finish: mean)
    /// Mean f - a: positive when forecasts run high.
    public static let bias = Metric(name: "bias", label: "bias", family: .point, term: { $0.forecast - $0.actual }, finish: mean)
    /// Mean pinball loss of each quantile level q: max(q (a - f_q), (q - 1)(a - f_q)).
    public static let pinball = Metric(name: "pinball", label: "pinball", family: .quantile, term: { p in
        let u = p.actual - p.forecast
        return max(p.level * u, (p.level - 1) * u)
    }, finish: mean)
    /// The mean pinball loss over the levels.
    public static let meanPinball = Metric(name: "pinball", label: "pinball", family: .summary(of: "pinball") { values in
        values.reduce(0, +) / Double(values.count)
    }, term: { _ in nil }, finish: mean)
    /// Share of actuals inside each central interval [l, u].
    public static let coverage = Metric(name: "coverage", label: "cov", family: .interval,
                                        term: { $0.lower <= $0.actual && $0.actual <= $0.upper ? 1 : 0 }, finish: mean)
    /// CRPS from the quantiles, the quantile-average approximation: 2 / |Q| times the sum of
    /// the pinball losses over the levels Q (twice the mean pinball loss; utilsforecast's
    /// `mqloss` and GluonTS's quantile losses build it so).
    public static let crps = Metric(name: "crps", label: "crps", family: .summary(of: "pinball") { values in
        2 * (values.reduce(0, +) / Double(values.count))
    }, term: { _ in nil }, finish: mean)
    /// Mean Winkler (interval) score of each central interval [l, u] of nominal coverage
    /// c = 1 - alpha: (u - l) + (2 / alpha) (l - a) when a < l, + (2 / alpha) (a - u) when a > u
    /// (Winkler 1972; Gneiting and Raftery 2007, eq. 43).
    public static let winkler = Metric(name: "winkler", label: "wink", family: .interval, term: { p in
        let alpha = 1 - p.level
        let miss = p.actual < p.lower ? p.lower - p.actual : p.actual > p.upper ? p.actual - p.upper : 0
        return (p.upper - p.lower) + 2 / alpha * miss
    }, finish: mean)
    /// Mean width u - l of each central interval.
    public static let width = Metric(name: "width", label: "width", family: .interval, term: { $0.upper - $0.lower }, finish: mean)

    /// Every metric, in the order figures are listed (tables, CSV, JSON, the store).
    public static let all: [Metric] = [mae, rmse, mape, smape, mase, bias, pinball, meanPinball, coverage, crps, winkler, width]

    /// The point metrics (one figure each, every forecast has them): what `plot --metric` takes.
    public static var point: [Metric] { all.filter { if case .point = $0.family { true } else { false } } }

    /// The name of a leveled figure: `pinball_0.1`, `coverage_0.8`.
    public func figureName(level: Double) -> String { "\(name)_\(Metrics.label(level))" }
}
