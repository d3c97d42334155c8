#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// The figures of one step (or of all steps pooled).
    public struct Row: Sendable, Equatable {
        /// The step h, nil for the overall figure.
        public var step: Int?
        /// Scored pairs.
        public var n: Int
        public var mae: Double
        public var rmse: Double
        /// Mean of 100 |e| / |a| over pairs with a != 0.
        public var mape: Double
        /// Mean of 200 |e| / (|a| + |f|), a term 0 when both are 0.
        public var smape: Double
        public var mase: Double
        /// Mean of f - a: positive when forecasts run high.
        public var bias: Double
        /// Mean pinball loss per quantile level: max(q (a - f_q), (q - 1)(a - f_q)).
        public var pinball: [Leveled] = []
        /// Share of actuals inside each central interval [f_q, f_(1-q)], by nominal coverage 1 - 2q.
        public var coverage: [Leveled] = []
        /// Mean Winkler (interval) score of each central interval [l, u] of nominal coverage
        /// c = 1 - alpha, by c: (u - l) + (2 / alpha) (l - a) when a < l, + (2 / alpha) (a - u)
        /// when a > u (Winkler 1972; Gneiting and Raftery 2007, eq. 43).
        public var winkler: [Leveled] = []
        /// Mean width u - l of each central interval, by nominal coverage.
        public var width: [Leveled] = []

        /// A row from its figures.
        public init(step: Int?, n: Int, mae: Double, rmse: Double, mape: Double, smape: Double, mase: Double, bias: Double,
                    pinball: [Leveled] = [], coverage: [Leveled] = [], winkler: [Leveled] = [], width: [Leveled] = []) {
            self.step = step
            self.n = n
            self.mae = mae
            self.rmse = rmse
            self.mape = mape
            self.smape = smape
            self.mase = mase
            self.bias = bias
            self.pinball = pinball
            self.coverage = coverage
            self.winkler = winkler
            self.width = width
        }

        /// The mean pinball loss over the levels (nil without quantiles).
        public var meanPinball: Double? {
            pinball.isEmpty ? nil : pinball.reduce(0) { $0 + $1.value } / Double(pinball.count)
        }

        /// CRPS from the quantiles, the quantile-average approximation: 2 / |Q| times the sum
        /// of the pinball losses over the levels Q (twice the mean pinball loss; utilsforecast's
        /// `mqloss` and GluonTS's quantile losses build it so). Nil without quantiles.
        public var crps: Double? { meanPinball.map { 2 * $0 } }

        /// Every figure under its store name (`mae`, ..., `pinball_0.1`, `coverage_0.8`,
        /// `pinball`, `crps`, `winkler_0.8`, `width_0.8`).
        public var named: [(metric: String, value: Double)] {
            var figures = [("mae", mae), ("rmse", rmse), ("mape", mape), ("smape", smape), ("mase", mase), ("bias", bias)]
            figures += pinball.map { ("pinball_\(Metrics.label($0.level))", $0.value) }
            if let meanPinball { figures.append(("pinball", meanPinball)) }
            figures += coverage.map { ("coverage_\(Metrics.label($0.level))", $0.value) }
            if let crps { figures.append(("crps", crps)) }
            figures += winkler.map { ("winkler_\(Metrics.label($0.level))", $0.value) }
            figures += width.map { ("width_\(Metrics.label($0.level))", $0.value) }
            return figures
        }

        /// A row from figures under their store names (the inverse of `named`).
        public init(step: Int?, n: Int, named figures: [String: Double]) {
            func leveled(_ prefix: String) -> [Leveled] {
                figures.compactMap { key, value in
                    guard key.hasPrefix(prefix), let level = Double(key.dropFirst(prefix.count)) else { return nil }
                    return Leveled(level: level, value: value)
                }.sorted { $0.level < $1.level }
            }
            self.init(step: step, n: n, mae: figures["mae"] ?? .nan, rmse: figures["rmse"] ?? .nan,
                      mape: figures["mape"] ?? .nan, smape: figures["smape"] ?? .nan, mase: figures["mase"] ?? .nan,
                      bias: figures["bias"] ?? .nan, pinball: leveled("pinball_"), coverage: leveled("coverage_"),
                      winkler: leveled("winkler_"), width: leveled("width_"))
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

        /// An origin's outcome: its training rows, gap, point forecast and quantiles.
        public init(trainStart: Int = 0, trainLength: Int, gap: Int = 0, forecast: [Double],
                    quantiles: [(level: Double, values: [Double])] = []) {
            self.trainStart = trainStart
            self.trainLength = trainLength
            self.gap = gap
            self.forecast = forecast
            self.quantiles = quantiles
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

    /// Scores `outcomes` against the raw series `y` (NaN where missing) with season `m`.
    public init(outcomes: [Outcome], series y: [Double], season m: Int) {
        let horizon = outcomes.map(\.forecast.count).max() ?? 0
        let levels = outcomes.first?.quantiles.map(\.level) ?? []
        let pairs = Metrics.centralIntervals(levels)
        struct Sums {
            var n = 0, abs = 0.0, sq = 0.0, ape = 0.0, apeN = 0, sape = 0.0, scaled = 0.0, signed = 0.0
            var pinball: [Double], covered: [Int], winkler: [Double], width: [Double]
        }
        let zeros = Array(repeating: 0.0, count: pairs.count)
        let empty = Sums(pinball: Array(repeating: 0, count: levels.count), covered: Array(repeating: 0, count: pairs.count),
                         winkler: zeros, width: zeros)
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
                let a = y[row], e = a - f
                for k in [index, -1] {
                    var s = k < 0 ? all : perStep[k]
                    s.n += 1
                    s.abs += Swift.abs(e)
                    s.sq += e * e
                    if a != 0 { s.ape += 100 * Swift.abs(e) / Swift.abs(a); s.apeN += 1 }
                    let denominator = Swift.abs(a) + Swift.abs(f)
                    s.sape += denominator == 0 ? 0 : 200 * Swift.abs(e) / denominator
                    s.scaled += Swift.abs(e) / scale
                    s.signed += f - a
                    if scoresQuantiles {
                        for (j, quantile) in outcome.quantiles.enumerated() {
                            let u = a - quantile.values[index]
                            s.pinball[j] += Swift.max(quantile.level * u, (quantile.level - 1) * u)
                        }
                        for (j, pair) in pairs.enumerated() {
                            let lower = outcome.quantiles[pair.lower].values[index]
                            let upper = outcome.quantiles[pair.upper].values[index]
                            if lower <= a && a <= upper { s.covered[j] += 1 }
                            let alpha = 1 - pair.coverage
                            let miss = a < lower ? lower - a : a > upper ? a - upper : 0
                            s.winkler[j] += (upper - lower) + 2 / alpha * miss
                            s.width[j] += upper - lower
                        }
                    }
                    if k < 0 { all = s } else { perStep[k] = s }
                }
            }
        }
        func row(_ s: Sums, _ step: Int?) -> Row {
            let n = Double(s.n)
            return Row(step: step, n: s.n, mae: s.abs / n, rmse: (s.sq / n).squareRoot(),
                       mape: s.apeN > 0 ? s.ape / Double(s.apeN) : .nan, smape: s.sape / n, mase: s.scaled / n,
                       bias: s.signed / n,
                       pinball: zip(levels, s.pinball).map { Leveled(level: $0, value: $1 / n) },
                       coverage: zip(pairs, s.covered).map { Leveled(level: $0.coverage, value: Double($1) / n) },
                       winkler: zip(pairs, s.winkler).map { Leveled(level: $0.coverage, value: $1 / n) },
                       width: zip(pairs, s.width).map { Leveled(level: $0.coverage, value: $1 / n) })
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
