import Neural
import Support
import TimeSeries

/// The part of a fitted state that the window-based strategies (direct, stateful direct,
/// encoder-decoder) share: the last L rows the next forecast reads and the fitted scalings
/// of their `WindowEncoder`. Each strategy's `FittedState` conforms; the keys are those of
/// the model file's metadata `state`.
protocol WindowState {
    /// The values the next forecast starts from (the last L of the history).
    var history: [Double] { get set }
    var covariateHistory: [[Double]] { get set }
    /// The timestamps of `history`, for calendar features (nil without them).
    var timestampHistory: [Timestamp]? { get set }
    /// The last observed value (missing new values carry it).
    var lastValue: Double { get set }
    /// Observations the model has seen, training and updates.
    var observations: Int { get set }
    /// The series' seasonal MAE, the scale of constant windows.
    var fallbackScale: Double { get set }
    /// The training part's standard scaler (`global` normalisation, stateful models).
    var globalScaler: Scaler { get set }
    var covariateScalers: [Scaler] { get set }
}

extension WindowState {
    /// The window encoder of `c` with these fitted scalings.
    func encoder(_ c: RecurrentConfiguration) -> WindowEncoder {
        WindowEncoder(c, fallbackScale: fallbackScale, globalScaler: globalScaler, covariateScalers: covariateScalers)
    }

    /// Keeps the fitted scalings of `encoder`.
    mutating func keep(_ encoder: WindowEncoder) {
        fallbackScale = encoder.fallbackScale
        globalScaler = encoder.globalScaler
        covariateScalers = encoder.covariateScalers
    }

    /// Takes the last `c.window` rows of `series` as the rows the next forecast reads.
    mutating func take(_ series: SeriesData, _ c: RecurrentConfiguration) throws {
        let l = c.window
        guard series.target.count >= l else {
            throw ForecastingError.tooShort(series: series.name, length: series.target.count, needed: l,
                                            reason: "for the model's input window of \(l)")
        }
        history = Array(series.target.suffix(l))
        covariateHistory = series.covariates.map { Array($0.suffix(l)) }
        if !c.calendar.isEmpty {
            guard let stamps = series.timestamps else {
                throw ForecastingError.invalidConfiguration("the model uses calendar features; the data has no time column")
            }
            timestampHistory = Array(stamps.suffix(l))
        } else {
            timestampHistory = nil
        }
        lastValue = series.target.last ?? lastValue
        observations = series.target.count
    }

    /// Checks new rows (`update`'s arguments) against `c`, and returns them with missing
    /// values carried forward (each covariate from its last value).
    func checkedNewRows(_ values: [Double], covariates: [[Double]], timestamps: [Timestamp]?,
                        _ c: RecurrentConfiguration) throws -> (values: [Double], covariates: [[Double]]) {
        guard covariateHistory.count == c.covariates.count, covariates.count == c.covariates.count,
              covariates.allSatisfy({ $0.count == values.count }) else {
            throw ForecastingError.invalidConfiguration(
                "the model has \(c.covariates.count) covariate(s); the new rows have \(covariates.count) with \(values.count) values each expected")
        }
        if !c.calendar.isEmpty, timestamps?.count != values.count {
            throw ForecastingError.invalidConfiguration("the model uses calendar features: new rows need timestamps")
        }
        let filled = Frame.forwardFilled(values, after: lastValue)
        let filledCovariates = covariates.enumerated().map { k, column in
            Frame.forwardFilled(column, after: covariateHistory[k].last ?? 0)
        }
        return (filled, filledCovariates)
    }

    /// Slides the rows the next forecast reads over new rows (`checkedNewRows`' results).
    mutating func append(_ values: [Double], covariates: [[Double]], timestamps: [Timestamp]?, _ c: RecurrentConfiguration) {
        guard !values.isEmpty else { return }
        let l = c.window
        if !c.calendar.isEmpty, let timestamps { timestampHistory = Array(((timestampHistory ?? []) + timestamps).suffix(l)) }
        history = Array((history + values).suffix(l))
        for k in covariateHistory.indices { covariateHistory[k] = Array((covariateHistory[k] + covariates[k]).suffix(l)) }
        lastValue = values[values.count - 1]
        observations += values.count
    }

    /// Throws unless these rows and scalings can be forecast from: finite values, a history
    /// at least one input window long, covariate and calendar histories as long as it.
    func validateRows(_ c: RecurrentConfiguration, name: String = "history") throws(ForecastingError) {
        try FittedStateCheck.rows(name, history, covariates: covariateHistory, timestamps: timestampHistory,
                                  scalers: covariateScalers, fallbackScale: fallbackScale, lastValue: lastValue,
                                  needed: c.window, c)
        try FittedStateCheck.scaler("the global scaler", globalScaler)
        try FittedStateCheck.observations(observations, name: name)
    }
}

/// The checks of a decoded fitted state (a model file's) before any forecast; each throws
/// `invalidConfiguration` with the reason (`ModelFile` names the metadata key).
enum FittedStateCheck {
    static func bad(_ reason: String) -> ForecastingError { .invalidConfiguration(reason) }

    static func finite(_ name: String, _ values: [Double]) throws(ForecastingError) {
        if let i = values.firstIndex(where: { !$0.isFinite }) { throw bad("\(name) holds \(values[i]) at index \(i)") }
    }

    static func scaler(_ name: String, _ s: Scaler) throws(ForecastingError) {
        guard s.center.isFinite, s.scale.isFinite, s.scale != 0 else { throw bad("\(name) has center \(s.center), scale \(s.scale)") }
    }

    static func observations(_ count: Int, name: String) throws(ForecastingError) {
        guard RecurrentConfiguration.Limits.observations.contains(count) else { throw bad("\(name): \(count) observations") }
    }

    static func rows(_ name: String, _ values: [Double], covariates: [[Double]], timestamps: [Timestamp]?,
                     scalers: [Scaler], fallbackScale: Double, lastValue: Double, needed: Int,
                     _ c: RecurrentConfiguration) throws(ForecastingError) {
        try finite(name, values + [lastValue])
        guard values.count >= needed else { throw bad("\(name) has \(values.count) values; the model reads \(needed)") }
        guard fallbackScale.isFinite, fallbackScale > 0 else { throw bad("\(name): fallback scale \(fallbackScale)") }
        guard covariates.count == c.covariates.count, scalers.count == c.covariates.count,
              covariates.allSatisfy({ $0.count == values.count }) else {
            throw bad("\(name): covariate histories do not match the model's \(c.covariates.count) covariates")
        }
        for (k, column) in covariates.enumerated() { try finite("\(name) covariate \(k + 1)", column) }
        for (k, s) in scalers.enumerated() { try scaler("\(name) covariate scaler \(k + 1)", s) }
        if !c.calendar.isEmpty, timestamps?.count != values.count {
            throw bad("\(name): the model uses calendar features; \(timestamps?.count ?? 0) timestamps for \(values.count) values")
        }
    }

    /// A saved hidden (and, for an LSTM, cell) state of `c`'s network.
    static func recurrentState(hidden: [Float], cell: [Float]?, _ c: RecurrentConfiguration) throws(ForecastingError) {
        let size = c.layers * c.hiddenSize
        guard hidden.count == size, hidden.allSatisfy(\.isFinite),
              (cell == nil) == (c.cell != .lstm), cell.map({ $0.count == size && $0.allSatisfy(\.isFinite) }) ?? true
        else { throw bad("the saved recurrent state does not fit \(c.layers) layer(s) of \(c.hiddenSize) \(c.cell) units") }
    }
}

extension RecurrentConfiguration {
    /// Network inputs per row: the target, each covariate, a sine and cosine per calendar feature.
    var featureCount: Int { 1 + covariates.count + 2 * calendar.count }
    /// The output of a step that is its point forecast: the mean of a Gaussian head, the
    /// middle quantile of a quantile head.
    var pointIndex: Int { gaussian ? 0 : outputsPerStep / 2 }

    /// A new network of this configuration (the encoder in encoder-decoder mode): a head
    /// of H steps' outputs (many-to-one) or one step's (every step), which starts at zero,
    /// so the first forecast is the baseline itself (many-to-one) or the training mean
    /// (many-to-many).
    func makeNetwork() -> RecurrentNetwork {
        let sequence = mode == .manyToMany
        let outputs = sequence ? outputsPerStep : horizon * outputsPerStep
        let network = RecurrentNetwork(
            NetworkConfiguration(cell: cell, inputSize: featureCount, hiddenSize: hiddenSize, layers: layers,
                                 outputSize: outputs, outputMode: sequence ? .everyStep : .lastStep, dropout: dropout),
            seed: seed)
        network.setTensor("head.weight", Array(repeating: 0, count: outputs * hiddenSize))
        network.setTensor("head.bias", Array(repeating: 0, count: outputs))
        return network
    }

    /// The direct windows of a series of `x.count` values (`Windows`: sample i reads rows
    /// starts[i] ..< starts[i] + L and targets the H after) and how many of the last
    /// validate: the one source of sample indices and validation splits of every
    /// window-based strategy. At least two windows are needed.
    func directWindows(_ x: [Double], series name: String) throws -> (windows: Windows, validation: Int) {
        let l = window
        guard x.count >= l + horizon + 1 else {
            throw ForecastingError.tooShort(series: name, length: x.count, needed: l + horizon + 1,
                                            reason: "for an input window of \(l), a horizon of \(horizon) and two samples")
        }
        let windows = try Windows(.manyToOne(inputLength: l, horizon: horizon), seriesLength: x.count, series: name)
        return (windows, Windows.validationCount(samples: windows.count, fraction: validationFraction))
    }

    func checkDirectHorizon(_ steps: Int) throws {
        guard steps <= horizon else {
            throw ForecastingError.invalidConfiguration("the model forecasts \(horizon) steps at once (many-to-one); \(steps) were asked")
        }
    }

    /// The forecast of a many-to-one network's output for one window ([H, outputs per step])
    /// and that window's scaling.
    func directForecast(_ output: ArraySlice<Float>, scaling: WindowScaling, horizon steps: Int) -> Forecast {
        let q = outputsPerStep, base = output.startIndex
        func value(_ h: Int, _ k: Int) -> Double { scaling.baseline[h] + scaling.scale * Double(output[base + h * q + k]) }
        if gaussian {
            // Paths: for every step its own Gaussian (direct forecasts are drawn step by step).
            var generator = SplitMix64(seed: seed ^ 0x9A7_45)
            let paths = (0..<samples).map { _ in
                (0..<steps).map { h in
                    let sigma = (Loss.softplus(Double(output[base + h * q + 1])) + 1e-6).squareRoot() * scaling.scale
                    return value(h, 0) + sigma * generator.nextNormal()
                }
            }
            return Forecast(summarizing: paths)
        }
        guard !quantiles.isEmpty else {
            return Forecast(point: (0..<steps).map { value($0, 0) })
        }
        // Quantiles are sorted per step, so crossing outputs still give ordered levels.
        let perStep = (0..<steps).map { h in (0..<q).map { value(h, $0) }.sorted() }
        let levels = quantiles.enumerated().sorted { $0.element < $1.element }
        let ranked = levels.enumerated().map { rank, level in (level: level.element, values: perStep.map { $0[rank] }) }
        let median = ranked.min { abs($0.level - 0.5) < abs($1.level - 0.5) }!.values  // quantiles is not empty
        var intervals: [Forecast.Interval] = []
        for i in 0..<(ranked.count / 2) {
            let lo = ranked[i], hi = ranked[ranked.count - 1 - i]
            intervals.append(Forecast.Interval(coverage: hi.level - lo.level, lower: lo.values, upper: hi.values))
        }
        return Forecast(point: median, quantiles: ranked, intervals: intervals)
    }
}
