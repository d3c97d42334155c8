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
    /// Network inputs per row: the target, each covariate, a sine and cosine per calendar feature.
    let featureCount: Int
    /// The series' seasonal MAE, the scale of constant windows.
    var fallbackScale: Double
    /// The training part's standard scaler (`global` normalisation, stateful models).
    var globalScaler: Scaler
    var covariateScalers: [Scaler]

    init(_ c: RecurrentConfiguration, fallbackScale: Double, globalScaler: Scaler, covariateScalers: [Scaler]) {
        window = c.window
        season = c.season
        horizon = c.horizon
        normalization = c.normalization
        calendar = c.calendar
        featureCount = c.featureCount
        self.fallbackScale = fallbackScale
        self.globalScaler = globalScaler
        self.covariateScalers = covariateScalers
    }

    /// The encoder of `c` fitted to `series`: its seasonal MAE, the standard scalers of its
    /// target and of each covariate.
    static func fitted(_ c: RecurrentConfiguration, to series: SeriesData) -> WindowEncoder {
        WindowEncoder(c, fallbackScale: WindowScaling.seriesScale(series.target, season: c.season),
                      globalScaler: Scaler.fit(.standard, to: series.target),
                      covariateScalers: series.covariates.map { Scaler.fit(.standard, to: $0) })
    }

    /// The scaling of every row of a globally scaled model: outputs are (y - center) / scale.
    var globalScaling: WindowScaling {
        WindowScaling(center: globalScaler.center, scale: globalScaler.scale,
                      baseline: Array(repeating: globalScaler.center, count: horizon))
    }

    /// One window's network input ([L, F]) and the scaling that maps outputs back.
    /// `end` is one past the window's last row.
    func encode(_ x: [Double], _ covariates: [[Double]], _ timestamps: [Timestamp]?, end: Int)
        -> (input: [Float], scaling: WindowScaling)
    {
        let l = window
        let rows = x[(end - l)..<end]
        let scaling: WindowScaling
        switch normalization {
        case .windowSeasonal, .auto:
            scaling = WindowScaling(window: rows, season: season, anchor: season, horizon: horizon, fallbackScale: fallbackScale)
        case .windowNaive:
            scaling = WindowScaling(window: rows, season: season, anchor: 1, horizon: horizon, fallbackScale: fallbackScale)
        case .global, .differences:  // many-to-one never runs with differences (not a candidate)
            scaling = globalScaling
        }
        return (features(x, covariates, timestamps, rows: (end - l)..<end, center: scaling.center, scale: scaling.scale),
                scaling)
    }

    /// The network inputs of `rows` ([rows.count, F] row-major): the target as
    /// (x - center) / scale, each covariate by its scaler, the sine and cosine of each
    /// calendar feature at the row's time.
    func features(_ x: [Double], _ covariates: [[Double]], _ timestamps: [Timestamp]?, rows: Range<Int>,
                  center: Double, scale: Double) -> [Float] {
        let f = featureCount
        var input = [Float](repeating: 0, count: rows.count * f)
        for (t, row) in rows.enumerated() {
            input[t * f] = Float((x[row] - center) / scale)
            for (k, column) in covariates.enumerated() {
                input[t * f + 1 + k] = Float(covariateScalers[k].transform(column[row]))
            }
            if let timestamps, !calendar.isEmpty {
                var k = 1 + covariates.count
                for feature in calendar {
                    let (sine, cosine) = feature.values(timestamps[row])
                    input[t * f + k] = Float(sine)
                    input[t * f + k + 1] = Float(cosine)
                    k += 2
                }
            }
        }
        return input
    }
}
