/// The per-window normalisation of `RecurrentConfiguration.Normalization.window`.
///
/// For a window x[0..<L] of a series with season m: center c = x[L-1] (the last value),
/// scale s = mean |x[t] - x[t-m]| over the window (its seasonal-naive MAE, the MASE
/// scale), and baseline b(h) = x[L - m + ((h - 1) mod m)] (the seasonal naive forecast).
/// The network sees (x - c) / s and learns (y - b) / s.
struct WindowScaling {
    var center: Double
    var scale: Double
    var baseline: [Double]

    init(center: Double, scale: Double, baseline: [Double]) {
        self.center = center
        self.scale = scale
        self.baseline = baseline
    }

    /// `fallbackScale` replaces a zero scale (a constant window). The baseline is seasonal
    /// naive with period `anchor` (1: naive); the scale always uses the season `m`.
    init(window x: ArraySlice<Double>, season m: Int, anchor: Int, horizon: Int, fallbackScale: Double) {
        let start = x.startIndex, n = x.count
        center = x[start + n - 1]
        var sum = 0.0
        for t in m..<n { sum += abs(x[start + t] - x[start + t - m]) }
        let s = n > m ? sum / Double(n - m) : 0
        scale = s > 1e-12 * max(abs(center), 1) ? s : fallbackScale
        baseline = (0..<horizon).map { h in x[start + n - anchor + (h % anchor)] }
    }

    /// Whether seasonal naive (period `m`) forecasts the next `horizon` steps from each
    /// point of `x` with a lower mean absolute error than naive does: the in-sample test
    /// that keeps `window-seasonal` among the `auto` candidates (a series whose seasonal
    /// naive is the worse baseline has no season worth forecasting the change from).
    static func seasonalNaiveBeatsNaive(_ x: [Double], season m: Int, horizon: Int) -> Bool {
        guard m > 1 else { return false }
        return seasonalNaiveBeats(x, season: m, over: 1, horizon: horizon)
    }

    /// Whether seasonal naive with period `p` forecasts the next `horizon` steps from each
    /// point of `x` (from the p-th on) with a lower mean absolute error than seasonal naive
    /// with the shorter period `q` (1: naive) does; true when `x` is too short to tell.
    static func seasonalNaiveBeats(_ x: [Double], season p: Int, over q: Int, horizon: Int) -> Bool {
        guard x.count > p + horizon else { return true }
        var longer = 0.0, shorter = 0.0
        for t in p...(x.count - horizon) {  // forecasts from the end of x[0..<t]
            for h in 0..<horizon {
                let actual = x[t + h]
                longer += abs(actual - x[t - p + h % p])
                shorter += abs(actual - x[t - q + h % q])
            }
        }
        return longer < shorter
    }

    /// The MASE-style scale of a whole training series, the fallback for constant windows.
    static func seriesScale(_ x: [Double], season m: Int) -> Double {
        guard x.count > m else { return 1 }
        var sum = 0.0
        for t in m..<x.count { sum += abs(x[t] - x[t - m]) }
        let s = sum / Double(x.count - m)
        return s > 0 ? s : max(abs(x.last ?? 1), 1)
    }
}
