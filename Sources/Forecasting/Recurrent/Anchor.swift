import TimeSeries

/// The baseline a network is measured against on its own validation windows, and how much of
/// the forecast is the network's: forecast = w x network + (1 - w) x baseline. w = 1 keeps
/// the network, w = 0 falls back to the baseline, anything between shrinks toward it. Where
/// the network validates at least as well as the baseline w is 1; else w in 0, 0.1, ..., 1
/// minimises the mean absolute error of the mix from the ends of the validation windows
/// (those early stopping judged on; no gradient step fitted them). The baseline is the anchor
/// of the network's window scaling: seasonal naive when the series has a season whose naive
/// forecast beats naive in-sample, else naive. Quantiles and intervals move with the point
/// forecast (their width stays the network's).
///
/// A series too short for any network window gets an anchor of weight 0 and no network
/// (`unfitted` says why): its forecast is the baseline's.
public struct Anchor: Sendable, Codable, Equatable {
    /// The baseline, fitted on the history (its last season) and advanced by updates.
    public var baseline: SeasonalNaive
    /// The network's weight.
    public var weight: Double
    /// Validation MAE (the data's units) of the network, of the baseline and of the mix;
    /// nil without a network.
    public var networkError: Double?
    public var baselineError: Double?
    public var mixError: Double?
    /// The validation origins the weight was chosen on.
    public var origins: Int
    /// Why no network was fitted (a history too short for its window); nil when one was.
    public var unfitted: String?
    /// The season the baseline was chosen for (the one asked for: a fit whose best network
    /// reads a week of a daily season keeps the day); nil in model files before it was kept.
    public var season: Int?

    /// The baseline's name: `naive` or `seasonal-naive`.
    public var baselineName: String { baseline.period > 1 ? ModelKind.seasonalNaive.rawValue : ModelKind.naive.rawValue }

    /// Whether the forecast is the network's alone.
    public var keepsNetwork: Bool { weight >= 1 && unfitted == nil }

    /// What the forecast is and why, for people ("the forecast is ...").
    public var summary: String {
        if let unfitted { return "\(baselineName) alone, no network: \(unfitted)" }
        let errors = "validation MAE network \(Self.shown(networkError)), \(baselineName) \(Self.shown(baselineError)) on \(origins) origins"
        if weight >= 1 { return "the network alone (\(errors))" }
        if weight <= 0 { return "\(baselineName) alone, the network validated worse (\(errors))" }
        return "\(Self.shown(weight)) x network + \(Self.shown(1 - weight)) x \(baselineName) (\(errors), mix \(Self.shown(mixError)))"
    }

    /// Where the forecast comes from.
    public var source: FitSummary.Source {
        if unfitted != nil || weight <= 0 { return .baseline(baselineName) }
        return weight >= 1 ? .network : .mixed(weight: weight)
    }

    static func shown(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        let rounded = (value * 1000).rounded() / 1000
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
    }

    /// Throws unless the anchor can be forecast with (a model file's).
    func validate() throws(ForecastingError) {
        try baseline.validate()
        guard weight.isFinite, weight >= 0, weight <= 1, origins >= 0,
              season.map(RecurrentConfiguration.Limits.season.contains) ?? true else {
            throw .invalidConfiguration("an anchor of weight \(weight) on \(origins) origins")
        }
    }

    /// The baseline for `series` and a model of season `season` and horizon `horizon`:
    /// seasonal naive when the series holds a season and seasonal naive beats naive on it,
    /// else naive. Throws only when the series is empty.
    static func baseline(for series: SeriesData, season: Int, horizon: Int) throws -> SeasonalNaive {
        let x = series.target
        let seasonal = season > 1 && x.count >= season && WindowScaling.seasonalNaiveBeatsNaive(x, season: season, horizon: horizon)
        var baseline = SeasonalNaive(period: seasonal ? season : 1)
        try baseline.fit(series)
        return baseline
    }

    /// The anchor of a series too short for a network: the baseline alone, saying why.
    static func fallback(_ series: SeriesData, _ c: RecurrentConfiguration, reason: String) throws -> Anchor {
        Anchor(baseline: try baseline(for: series, season: c.season, horizon: c.horizon), weight: 0, networkError: nil,
               baselineError: nil, mixError: nil, origins: 0, unfitted: reason, season: c.season)
    }

    /// `forecast` (the network's, after the history) mixed with the baseline's.
    func mixed(_ forecast: Forecast) throws -> Forecast {
        guard weight < 1 else { return forecast }
        let base = try baseline.predict(horizon: forecast.horizon).point
        // The baseline alone reads no network output: a network forecast that is not finite
        // leaves the baseline's (without intervals), a finite one its interval widths.
        if weight <= 0, forecast.point.contains(where: { !$0.isFinite }) { return try baseline.predict(horizon: forecast.horizon) }
        let point = weight <= 0 ? base : zip(forecast.point, base).map { weight * $0 + (1 - weight) * $1 }
        let shift = zip(point, forecast.point).map { $0 - $1 }
        func moved(_ values: [Double]) -> [Double] { zip(values, shift).map { $0 + $1 } }
        return Forecast(point: point, quantiles: forecast.quantiles.map { (level: $0.level, values: moved($0.values)) },
                        intervals: forecast.intervals.map {
                            Forecast.Interval(coverage: $0.coverage, lower: moved($0.lower), upper: moved($0.upper))
                        })
    }

    /// The baseline's forecast alone (no network).
    func forecast(horizon: Int) throws -> Forecast { try baseline.predict(horizon: horizon) }

    /// Takes the history `series` ends with (a forecast from its end).
    mutating func condition(on series: SeriesData) throws { try baseline.fit(series) }

    /// Takes new values after the history (NaN: carry the last value).
    mutating func update(with values: [Double]) {
        baseline.update(with: Frame.forwardFilled(values, after: baseline.lastValue))
    }

    /// The weights tried, from the network alone down to the baseline alone.
    static let weights = (0...10).reversed().map { Double($0) / 10 }

    /// The anchor of `model`, fitted on `series`: its forecasts and the baseline's from the
    /// ends of the validation windows (the trainers' split of the longest member window's
    /// windows: no gradient step fitted their targets), at most `maxOrigins` of them spread
    /// evenly, scored on the observed targets. Where the baseline validates better than the
    /// network (or the network's forecasts are not finite), the weight of the least MAE of the
    /// mix (the highest on a tie); else, and when no origin can be scored, the network alone.
    /// `c` is the configuration asked for (its season; the model's members may have another).
    static func fitted(_ model: RecurrentForecaster, on series: SeriesData, configuration c: RecurrentConfiguration,
                       maxOrigins: Int = 40) throws -> Anchor {
        let h = c.horizon, n = series.target.count
        let window = model.members.map(\.configuration.window).max() ?? c.window
        let baseline = try Self.baseline(for: series, season: c.season, horizon: h)
        let period = baseline.period
        // Origins t (history x[0..<t], targets x[t..<t+H]): the validation windows' ends.
        let validation = Windows.validationCount(samples: max(n - window - h + 1, 0), fraction: c.validationFraction)
        let first = max(window + 1, period, n - h - validation + 1), last = n - h
        var scored: [(end: Int, network: [Double], baseline: [Double])] = []
        if first <= last {
            let count = min(maxOrigins, last - first + 1)
            let ends = (0..<count).map { k in last - (count - 1 - k) * (last - first) / max(count - 1, 1) }
            var probe = model
            probe.anchor = nil
            for end in ends {
                let before = series.prefix(end)
                let future = FutureInputs(covariates: series.futureCovariates.map { Array($0[end..<(end + h)]) })
                var anchorProbe = SeasonalNaive(period: period)
                guard (try? probe.condition(on: before)) != nil, let forecast = try? probe.predict(horizon: h, future: future),
                      (try? anchorProbe.fit(before)) != nil, let base = try? anchorProbe.predict(horizon: h) else { continue }
                scored.append((end, forecast.point, base.point))
            }
        }
        guard let (best, errors) = choose(scored, series: series, horizon: h) else {
            return Anchor(baseline: baseline, weight: 1, networkError: nil, baselineError: nil, mixError: nil, origins: 0, unfitted: nil,
                          season: c.season)
        }
        func finite(_ e: Double) -> Double? { e.isFinite ? e : nil }  // a model file's JSON holds no NaN
        return Anchor(baseline: baseline, weight: weights[best], networkError: finite(errors[0]),
                      baselineError: finite(errors[errors.count - 1]), mixError: finite(errors[best]), origins: scored.count,
                      unfitted: nil, season: c.season)
    }

    /// The index in `weights` of the mix of `scored` forecasts (the network's and the
    /// baseline's from each origin `end`, `horizon` steps) that `series` validates, with the MAE
    /// of every weight on the observed targets; nil when none can be scored. The network
    /// alone unless the baseline validates better: a mix chosen where the network already wins
    /// overfits the few validation origins (air passengers: MASE 0.82 alone, 0.91 mixed at 3 of
    /// 10 origins where the network had validated better). Else the least error; `weights`
    /// runs from 1 down, so the first least is the highest weight. A network whose forecasts
    /// are not finite validates worse than any baseline.
    static func choose(_ scored: [(end: Int, network: [Double], baseline: [Double])], series: SeriesData, horizon h: Int)
        -> (best: Int, errors: [Double])?
    {
        func error(_ w: Double) -> Double {
            var total = 0.0, count = 0
            for origin in scored {
                for step in 0..<h where series.isObserved(origin.end + step) {
                    // The baseline alone reads no network output (a NaN one stays out of it).
                    let mix = w == 0 ? origin.baseline[step] : w * origin.network[step] + (1 - w) * origin.baseline[step]
                    total += abs(series.target[origin.end + step] - mix)
                    count += 1
                }
            }
            return count > 0 ? total / Double(count) : .nan
        }
        let errors = weights.map(error)
        guard let baselineError = errors.last, baselineError.isFinite else { return nil }
        let finite = errors.map { $0.isFinite ? $0 : .infinity }
        let best = finite[0] <= baselineError ? 0 : finite.indices.min { finite[$0] < finite[$1] }!  // weights is not empty
        return (best, errors)
    }
}
