import Neural
import Support
import TimeSeries

/// What the window-based strategies share of a configuration: the feature count, the network
/// it makes, its direct windows and how a direct output becomes a forecast.
extension RecurrentConfiguration {
    /// Network inputs per row, the one count: the target; each past, future (its value on
    /// that row) and static covariate; a sine and cosine per calendar feature.
    var featureCount: Int { 1 + covariates.count + futureCovariates.count + staticCovariates.count + 2 * calendar.count }
    /// What a many-to-one head reads beside the last state: each future covariate's value at
    /// each of the H steps forecast.
    var headInputCount: Int { mode == .manyToOne ? horizon * futureCovariates.count : 0 }
    /// The output of a step that is its point forecast: the mean of a Gaussian head, the
    /// middle quantile of a quantile head.
    var pointIndex: Int { head.isDistribution ? 0 : outputsPerStep / 2 }

    /// A new network of this configuration (the encoder in encoder-decoder mode): a head
    /// of H steps' outputs (many-to-one) or one step's (every step), which starts at zero,
    /// so the first forecast is the baseline itself (many-to-one) or the training mean
    /// (many-to-many).
    func makeNetwork() -> RecurrentNetwork {
        let sequence = mode == .manyToMany
        let outputs = sequence ? outputsPerStep : horizon * outputsPerStep
        let network = RecurrentNetwork(
            NetworkConfiguration(cell: cell, inputSize: featureCount, hiddenSize: hiddenSize, layers: layers,
                                 outputSize: outputs, outputMode: sequence ? .everyStep : .lastStep, dropout: dropout,
                                 headInputs: headInputCount),
            seed: seed)
        network.setTensor("head.weight", Array(repeating: 0, count: outputs * (hiddenSize + headInputCount)))
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

    /// The fewest training windows a default input window keeps: a series too short for
    /// that many gets a shorter window (`windowChoice`).
    static let minimumWindows = 8

    /// Rows a series needs for two training samples with an input window of `l`: a
    /// sequence model's l + 3, a windowed model's l + H + 1.
    func rowsNeeded(window l: Int) -> Int { mode == .manyToMany ? l + 3 : l + horizon + 1 }

    /// What the network's window makes of a history of `rows` rows.
    enum WindowChoice: Equatable {
        /// The window fits (at least `minimumWindows` windows, or the two a given window needs).
        case fits
        /// The default window leaves fewer than `minimumWindows` windows: this shorter one
        /// (at least a season and a step) leaves as many as the rows allow.
        case shrunk(Int)
        /// Not even the shortest window fits: the reason, for people.
        case tooShort(String)
    }

    /// The input window for a history of `rows` rows: the configured one when it fits; the
    /// default (`inputLength` nil) shrunk toward m + 1 when it leaves fewer than
    /// `minimumWindows` windows; too short when not even m + 1 leaves two samples (a window
    /// given with `--window` is not shrunk: too short when it does not fit).
    func windowChoice(rows: Int) -> WindowChoice {
        let l = window, extra = Self.minimumWindows - 2
        if rows >= rowsNeeded(window: l) + (inputLength == nil ? extra : 0) { return .fits }
        let shortest = season + 1
        guard inputLength == nil, rows >= rowsNeeded(window: shortest) else {
            let w = inputLength == nil ? shortest : l
            return .tooShort("the history has \(rows) rows, fewer than the \(rowsNeeded(window: w)) a window of \(w) needs")
        }
        return .shrunk(max(shortest, min(l - 1, rows - rowsNeeded(window: 0) - extra)))
    }

    /// Throws unless `future` holds every future covariate's value for each of the H steps
    /// the model forecasts (a model without future covariates takes none).
    func checkFuture(_ future: FutureInputs) throws {
        let k = futureCovariates.count
        guard future.covariates.count == k, future.covariates.allSatisfy({ $0.count >= horizon && $0.prefix(horizon).allSatisfy(\.isFinite) })
        else {
            throw ForecastingError.invalidConfiguration(
                k == 0 ? "the model takes no future covariates; \(future.covariates.count) were given"
                    : "the model takes the values of its \(k) future covariate(s) (\(futureCovariates.joined(separator: ", "))) for each of its \(horizon) steps; \(future.covariates.map { "\($0.count)" }.joined(separator: ", ")) were given")
        }
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
        if head == .studentT {
            // Paths drawn step by step from each step's Student-t; the point is the location
            // (its median and mean), not the paths' mean, which heavy tails make noisy.
            var generator = SplitMix64(seed: seed ^ 0x57_0DE7)
            let paths = (0..<samples).map { _ in
                (0..<steps).map { h in
                    let sigma = (Loss.softplus(Double(output[base + h * q + 1])) + 1e-6) * scaling.scale
                    let nu = 2 + Loss.softplus(Double(output[base + h * q + 2]))
                    // A network gone non-finite gives NaN paths (no draw: the gamma sampler needs a finite nu).
                    guard sigma.isFinite, nu.isFinite, value(h, 0).isFinite else { return Double.nan }
                    return value(h, 0) + sigma * generator.nextStudentT(degrees: nu)
                }
            }
            var forecast = Forecast(summarizing: paths)
            forecast.point = (0..<steps).map { value($0, 0) }
            return forecast
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
