import TimeSeries

/// How the window-based strategies (direct, stateful direct, encoder-decoder, a global
/// model's series) turn rows into network inputs and outputs back into values: the scaling
/// of `normalization` with its fitted scalers, each covariate's scaler and the calendar
/// features. One value per fitted series (`fitted(_:to:)`): a global model keeps one for
/// each of its series; the model file keeps its parts in `FittedState`.
struct WindowEncoder: Sendable, Equatable {
    let window: Int
    let season: Int
    let horizon: Int
    let normalization: RecurrentConfiguration.Normalization
    let calendar: [CalendarFeature]
    /// Network inputs per row (`RecurrentConfiguration.featureCount`).
    let featureCount: Int
    /// The series' seasonal MAE, the scale of constant windows.
    var fallbackScale: Double
    /// The training part's standard scaler (`global` normalisation, stateful models).
    var globalScaler: Scaler
    /// Each past covariate's standard scaler.
    var covariateScalers: [Scaler]
    /// Each future covariate's standard scaler (fitted on the history's rows).
    var futureScalers: [Scaler]

    init(_ c: RecurrentConfiguration, fallbackScale: Double, globalScaler: Scaler, covariateScalers: [Scaler],
         futureScalers: [Scaler] = []) {
        window = c.window
        season = c.season
        horizon = c.horizon
        normalization = c.normalization
        calendar = c.calendar
        featureCount = c.featureCount
        self.fallbackScale = fallbackScale
        self.globalScaler = globalScaler
        self.covariateScalers = covariateScalers
        self.futureScalers = futureScalers
    }

    /// The encoder of `c` fitted to `series`: its seasonal MAE, the standard scalers of its
    /// target and of each past and future covariate.
    static func fitted(_ c: RecurrentConfiguration, to series: SeriesData) -> WindowEncoder {
        WindowEncoder(c, fallbackScale: WindowScaling.seriesScale(series.target, season: c.season),
                      globalScaler: Scaler.fit(.standard, to: series.target),
                      covariateScalers: series.covariates.map { Scaler.fit(.standard, to: $0) },
                      futureScalers: series.futureCovariates.map { Scaler.fit(.standard, to: $0) })
    }

    /// The scaling of every row of a globally scaled model: outputs are (y - center) / scale.
    var globalScaling: WindowScaling {
        WindowScaling(center: globalScaler.center, scale: globalScaler.scale,
                      baseline: Array(repeating: globalScaler.center, count: horizon))
    }

    /// One window's network input ([L, F]) and the scaling that maps outputs back.
    /// `end` is one past the window's last row.
    func encode(_ s: SeriesData, end: Int) -> (input: [Float], scaling: WindowScaling) {
        let l = window
        let rows = s.target[(end - l)..<end]
        let scaling: WindowScaling
        switch normalization {
        case .windowSeasonal, .auto:
            scaling = WindowScaling(window: rows, season: season, anchor: season, horizon: horizon, fallbackScale: fallbackScale)
        case .windowNaive:
            scaling = WindowScaling(window: rows, season: season, anchor: 1, horizon: horizon, fallbackScale: fallbackScale)
        case .global, .differences:  // many-to-one never runs with differences (not a candidate)
            scaling = globalScaling
        }
        return (features(s, rows: (end - l)..<end, center: scaling.center, scale: scaling.scale), scaling)
    }

    /// The network inputs of `rows` of `s` ([rows.count, F] row-major): the target as
    /// (x - center) / scale, each past and future covariate by its scaler, each static
    /// covariate as encoded, the sine and cosine of each calendar feature at the row's time.
    func features(_ s: SeriesData, rows: Range<Int>, center: Double, scale: Double) -> [Float] {
        let f = featureCount, x = s.target
        var input = [Float](repeating: 0, count: rows.count * f)
        for (t, row) in rows.enumerated() {
            var k = t * f
            input[k] = Float((x[row] - center) / scale)
            k += 1
            for (j, column) in s.covariates.enumerated() {
                input[k] = Float(covariateScalers[j].transform(column[row]))
                k += 1
            }
            for (j, column) in s.futureCovariates.enumerated() {
                input[k] = Float(futureScalers[j].transform(column[row]))
                k += 1
            }
            for value in s.staticCovariates {
                input[k] = Float(value)
                k += 1
            }
            if let timestamps = s.timestamps, !calendar.isEmpty {
                for feature in calendar {
                    let (sine, cosine) = feature.values(timestamps[row])
                    input[k] = Float(sine)
                    input[k + 1] = Float(cosine)
                    k += 2
                }
            }
        }
        return input
    }

    /// What a many-to-one head reads beside the last state for the `horizon` steps after a
    /// window: each future covariate's value at each step, scaled ([H, covariates] row-major);
    /// `future[k]` holds covariate k's values from the first step on.
    func headInputs(_ future: [[Double]]) -> [Float] {
        let count = future.count
        var out = [Float](repeating: 0, count: horizon * count)
        for h in 0..<horizon {
            for (k, column) in future.enumerated() { out[h * count + k] = Float(futureScalers[k].transform(column[h])) }
        }
        return out
    }

    /// The head inputs of the window of `s` that ends at `end` (the H rows after it).
    func headInputs(_ s: SeriesData, end: Int) -> [Float] {
        headInputs(s.futureCovariates.map { Array($0[end..<(end + horizon)]) })
    }
}
