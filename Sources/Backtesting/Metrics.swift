#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accuracy by horizon step and overall, with the formulas and aggregation of
/// datasets/PROTOCOL.md section 4: errors e = actual - forecast over the pairs with an
/// observed actual; per step h the mean over origins (RMSE: root of the mean square);
/// overall the mean over all pairs pooled; MASE divides each |e| by its origin's
/// in-sample seasonal-naive MAE on the raw training window.
public struct Metrics: Sendable, Equatable {
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
    }

    public var rows: [Row]

    /// The overall row.
    public var overall: Row? { rows.first { $0.step == nil } }

    /// One origin's forecast against the series: `forecast[h - 1]` for row `trainLength + h - 1`.
    public struct Outcome: Sendable {
        public var trainLength: Int
        public var forecast: [Double]
        public init(trainLength: Int, forecast: [Double]) {
            self.trainLength = trainLength
            self.forecast = forecast
        }
    }

    /// Scores `outcomes` against the raw series `y` (NaN where missing) with season `m`.
    public init(outcomes: [Outcome], series y: [Double], season m: Int) {
        let horizon = outcomes.map(\.forecast.count).max() ?? 0
        struct Sums { var n = 0, abs = 0.0, sq = 0.0, ape = 0.0, apeN = 0, sape = 0.0, scaled = 0.0, signed = 0.0 }
        var perStep = Array(repeating: Sums(), count: horizon), all = Sums()
        for outcome in outcomes {
            let t = outcome.trainLength
            var q = 0.0, pairs = 0
            if t > m {
                for i in m..<t where !y[i].isNaN && !y[i - m].isNaN {
                    q += Swift.abs(y[i] - y[i - m])
                    pairs += 1
                }
            }
            let scale = pairs > 0 ? q / Double(pairs) : .nan
            for (index, f) in outcome.forecast.enumerated() where t + index < y.count && !y[t + index].isNaN {
                let a = y[t + index], e = a - f
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
                    if k < 0 { all = s } else { perStep[k] = s }
                }
            }
        }
        func row(_ s: Sums, _ step: Int?) -> Row {
            let n = Double(s.n)
            return Row(step: step, n: s.n, mae: s.abs / n, rmse: (s.sq / n).squareRoot(),
                       mape: s.apeN > 0 ? s.ape / Double(s.apeN) : .nan, smape: s.sape / n, mase: s.scaled / n,
                       bias: s.signed / n)
        }
        rows = perStep.enumerated().map { row($1, $0 + 1) } + [row(all, nil)]
    }
}
