#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Forecasting

/// Accuracy by horizon step and overall, with the formulas and aggregation of
/// datasets/PROTOCOL.md section 4: errors e = actual - forecast over the pairs with an
/// observed actual; per step h the mean over origins (RMSE: root of the mean square);
/// overall the mean over all pairs pooled; MASE divides each |e| by its origin's
/// in-sample seasonal-naive MAE on the raw training window. For forecasts with quantiles,
/// the pinball loss of each level, CRPS from them, and for each central interval (levels q
/// and 1 - q) its observed coverage, Winkler (interval) score and mean width over the same
/// pairs.
public struct Metrics: Sendable, Equatable {
    /// A figure that belongs to a quantile level or an interval's nominal coverage.
    public struct Leveled: Sendable, Equatable {
        public var level: Double
        public var value: Double
        /// A figure for a quantile level or nominal coverage.
        public init(level: Double, value: Double) {
            self.level = level
            self.value = value
        }
    }

    /// The figures of one step (or of all steps pooled), by metric of the table `Metric.all`.
    public struct Row: Sendable, Equatable {
        /// The step h, nil for the overall figure.
        public var step: Int?
        /// Scored pairs.
        public var n: Int
        /// Each point metric's figure, by name.
        var point: [String: Double] = [:]
        /// Each quantile or interval metric's figures by level, ascending, by name.
        var leveled: [String: [Leveled]] = [:]

        /// A row from its point figures (by name) and leveled figures (by name, ascending by level).
        init(step: Int?, n: Int, point: [String: Double], leveled: [String: [Leveled]]) {
            self.step = step
            self.n = n
            self.point = point
            self.leveled = leveled
        }

        /// A row from its figures.
        public init(step: Int?, n: Int, mae: Double, rmse: Double, mape: Double, smape: Double, mase: Double, bias: Double,
                    pinball: [Leveled] = [], coverage: [Leveled] = [], winkler: [Leveled] = [], width: [Leveled] = []) {
            self.init(step: step, n: n, point: ["mae": mae, "rmse": rmse, "mape": mape, "smape": smape, "mase": mase, "bias": bias],
                      leveled: ["pinball": pinball, "coverage": coverage, "winkler": winkler, "width": width])
        }

        /// The figure of a point metric (NaN when the row has none).
        public subscript(_ metric: Metric) -> Double { point[metric.name] ?? .nan }
        /// The figures of a quantile or interval metric, by level.
        public subscript(levels metric: Metric) -> [Leveled] { leveled[metric.name] ?? [] }

        public var mae: Double { self[.mae] }
        public var rmse: Double { self[.rmse] }
        /// Mean of 100 |e| / |a| over pairs with a != 0.
        public var mape: Double { self[.mape] }
        /// Mean of 200 |e| / (|a| + |f|), a term 0 when both are 0.
        public var smape: Double { self[.smape] }
        public var mase: Double { self[.mase] }
        /// Mean of f - a: positive when forecasts run high.
        public var bias: Double { self[.bias] }
        /// Mean pinball loss per quantile level (`Metric.pinball`).
        public var pinball: [Leveled] { self[levels: .pinball] }
        /// Share of actuals inside each central interval, by nominal coverage (`Metric.coverage`).
        public var coverage: [Leveled] { self[levels: .coverage] }
        /// Mean Winkler score of each central interval, by nominal coverage (`Metric.winkler`).
        public var winkler: [Leveled] { self[levels: .winkler] }
        /// Mean width of each central interval, by nominal coverage (`Metric.width`).
        public var width: [Leveled] { self[levels: .width] }

        /// A summary metric's figure (nil when what it summarises has no levels here).
        func summary(_ metric: Metric) -> Double? {
            guard case .summary(let source, let summarize) = metric.family, let values = leveled[source], !values.isEmpty else { return nil }
            return summarize(values.map(\.value))
        }

        /// The mean pinball loss over the levels (nil without quantiles).
        public var meanPinball: Double? { summary(.meanPinball) }

        /// CRPS from the quantiles (`Metric.crps`; nil without quantiles).
        public var crps: Double? { summary(.crps) }

        /// Every figure under its store name, in the order of `Metric.all` (`mae`, ...,
        /// `pinball_0.1`, `pinball`, `coverage_0.8`, `crps`, `winkler_0.8`, `width_0.8`).
        public var named: [(metric: String, value: Double)] {
            Metric.all.flatMap { metric -> [(metric: String, value: Double)] in
                switch metric.family {
                case .point: [(metric.name, self[metric])]
                case .quantile, .interval: self[levels: metric].map { (metric.figureName(level: $0.level), $0.value) }
                case .summary: summary(metric).map { [(metric.name, $0)] } ?? []
                }
            }
        }

        /// A row from figures under their store names (the inverse of `named`).
        public init(step: Int?, n: Int, named figures: [String: Double]) {
            var point: [String: Double] = [:], leveled: [String: [Leveled]] = [:]
            for metric in Metric.all {
                switch metric.family {
                case .point: point[metric.name] = figures[metric.name] ?? .nan
                case .quantile, .interval:
                    let prefix = metric.name + "_"
                    leveled[metric.name] = figures.compactMap { key, value in
                        guard key.hasPrefix(prefix), let level = Double(key.dropFirst(prefix.count)) else { return nil }
                        return Leveled(level: level, value: value)
                    }.sorted { $0.level < $1.level }
                case .summary: break
                }
            }
            self.init(step: step, n: n, point: point, leveled: leveled)
        }

        public static func == (a: Row, b: Row) -> Bool {
            a.step == b.step && a.n == b.n && a.named.count == b.named.count
                && zip(a.named, b.named).allSatisfy { $0.metric == $1.metric && same($0.value, $1.value) }
        }

        private static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
    }

    public var rows: [Row]

    /// The overall row.
    public var overall: Row? { rows.first { $0.step == nil } }

    /// One origin's forecast against the series: `forecast[h - 1]` for row
    /// `trainLength + gap + h - 1`; the model saw rows `trainStart ..< trainLength`.
    public struct Outcome: Sendable {
        public var trainStart: Int
        public var trainLength: Int
        /// Rows between the end of training and the first scored step.
        public var gap: Int
        public var forecast: [Double]
        /// Quantile forecasts by level, ascending (empty for point forecasters).
        public var quantiles: [(level: Double, values: [Double])]
        /// What the model's fit at this origin chose (nil where it was not fitted here, or
        /// chooses nothing: `Forecaster.fitSummary`).
        public var fit: FitSummary?

        /// An origin's outcome: its training rows, gap, point forecast and quantiles.
        public init(trainStart: Int = 0, trainLength: Int, gap: Int = 0, forecast: [Double],
                    quantiles: [(level: Double, values: [Double])] = [], fit: FitSummary? = nil) {
            self.trainStart = trainStart
            self.trainLength = trainLength
            self.gap = gap
            self.forecast = forecast
            self.quantiles = quantiles
            self.fit = fit
        }

        /// The row of the series that step `h` (1-based) forecasts.
        public func row(step h: Int) -> Int { trainLength + gap + h - 1 }
    }

    /// A level as the store writes it: `0.1`, `0.05`, `0.8`.
    public static func label(_ level: Double) -> String {
        var text = String(level)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// The central intervals that a set of quantile levels holds: pairs (q, 1 - q), q < 0.5.
    public static func centralIntervals(_ levels: [Double]) -> [(coverage: Double, lower: Int, upper: Int)] {
        levels.enumerated().compactMap { i, q in
            guard q < 0.5, let j = levels.firstIndex(where: { abs($0 - (1 - q)) < 1e-9 }) else { return nil }
            return ((1 - 2 * q).rounded(toPlaces: 6), i, j)
        }
    }

    /// Scores `outcomes` against the raw series `y` (NaN where missing) with season `m`: every
    /// metric of `Metric.all` over the pairs with an observed actual, per step and pooled.
    public init(outcomes: [Outcome], series y: [Double], season m: Int) {
        let horizon = outcomes.map(\.forecast.count).max() ?? 0
        let levels = outcomes.first?.quantiles.map(\.level) ?? []
        let pairs = Metrics.centralIntervals(levels)
        // The running totals of one step (or all): per metric, per level for the leveled ones.
        struct Sums {
            var n = 0
            var totals: [[Double]]
            var counts: [[Int]]
        }
        let widths = Metric.all.map { metric -> Int in
            switch metric.family {
            case .point: 1
            case .quantile: levels.count
            case .interval: pairs.count
            case .summary: 0
            }
        }
        let empty = Sums(totals: widths.map { Array(repeating: 0, count: $0) }, counts: widths.map { Array(repeating: 0, count: $0) })
        var perStep = Array(repeating: empty, count: horizon), all = empty
        for outcome in outcomes {
            let start = outcome.trainStart, t = outcome.trainLength
            var q = 0.0, count = 0
            if t - start > m {
                for i in (start + m)..<t where !y[i].isNaN && !y[i - m].isNaN {
                    q += Swift.abs(y[i] - y[i - m])
                    count += 1
                }
            }
            let scale = count > 0 ? q / Double(count) : .nan
            let scoresQuantiles = outcome.quantiles.map(\.level) == levels
            for (index, f) in outcome.forecast.enumerated() {
                let row = outcome.row(step: index + 1)
                guard row < y.count, !y[row].isNaN else { continue }
                let a = y[row]
                for k in [index, -1] {
                    var s = k < 0 ? all : perStep[k]
                    s.n += 1
                    func add(_ m: Int, _ j: Int, _ pair: Metric.Pair) {
                        guard let term = Metric.all[m].term(pair) else { return }
                        s.totals[m][j] += term
                        s.counts[m][j] += 1
                    }
                    for (m, metric) in Metric.all.enumerated() {
                        switch metric.family {
                        case .point: add(m, 0, Metric.Pair(actual: a, forecast: f, scale: scale))
                        case .quantile where scoresQuantiles:
                            for (j, quantile) in outcome.quantiles.enumerated() {
                                add(m, j, Metric.Pair(actual: a, forecast: quantile.values[index], scale: scale, level: quantile.level))
                            }
                        case .interval where scoresQuantiles:
                            for (j, pair) in pairs.enumerated() {
                                add(m, j, Metric.Pair(actual: a, forecast: f, scale: scale, level: pair.coverage,
                                                      lower: outcome.quantiles[pair.lower].values[index],
                                                      upper: outcome.quantiles[pair.upper].values[index]))
                            }
                        case .quantile, .interval, .summary: break
                        }
                    }
                    if k < 0 { all = s } else { perStep[k] = s }
                }
            }
        }
        func row(_ s: Sums, _ step: Int?) -> Row {
            var point: [String: Double] = [:], leveled: [String: [Leveled]] = [:]
            for (m, metric) in Metric.all.enumerated() {
                switch metric.family {
                case .point: point[metric.name] = metric.finish(s.totals[m][0], s.counts[m][0])
                // A leveled figure is a mean over every scored pair of the step.
                case .quantile:
                    leveled[metric.name] = zip(levels, s.totals[m]).map { Leveled(level: $0, value: metric.finish($1, s.n)) }
                case .interval:
                    leveled[metric.name] = zip(pairs, s.totals[m]).map { Leveled(level: $0.coverage, value: metric.finish($1, s.n)) }
                case .summary: break
                }
            }
            return Row(step: step, n: s.n, point: point, leveled: leveled)
        }
        rows = perStep.enumerated().map { row($1, $0 + 1) } + [row(all, nil)]
    }

    /// Rows as they were stored (see `Row.init(step:n:named:)`).
    public init(rows: [Row]) { self.rows = rows }

    /// The figures of many series as one: at every step (and overall) each figure is the
    /// mean over the series of that series' figure (the series with a finite value count;
    /// NaN when none has one), and `n` is the total of their scored pairs. Every series
    /// weighs alike, whatever its length or units (the figures are per-series means; MASE
    /// is scaled). Steps are those of the first series, matched by step.
    public init(averaging perSeries: [Metrics]) {
        guard let first = perSeries.first else {
            self.rows = []
            return
        }
        rows = first.rows.map { template in
            let matching = perSeries.compactMap { m in m.rows.first { $0.step == template.step } }
            var sums: [String: (total: Double, count: Int)] = [:]
            var order: [String] = []
            for row in matching {
                for (metric, value) in row.named {
                    if sums[metric] == nil { order.append(metric); sums[metric] = (0, 0) }
                    if value.isFinite { sums[metric]!.total += value; sums[metric]!.count += 1 }  // set just above
                }
            }
            var figures: [String: Double] = [:]
            for metric in order {
                let (total, count) = sums[metric]!  // every name in `order` has its sum
                figures[metric] = count > 0 ? total / Double(count) : .nan
            }
            return Row(step: template.step, n: matching.reduce(0) { $0 + $1.n }, named: figures)
        }
    }
}

extension Double {
    /// Rounded to `places` decimals (labels of nominal levels: 1 - 2 x 0.1 is 0.8, not 0.7999...).
    func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10, Double(places))
        return (self * factor).rounded() / factor
    }
}
