import TimeSeries

/// `auto` scaling, one procedure for every strategy and for global models: successive
/// halving over candidate configurations (one per scaling), then the best, or the average
/// (a `RecurrentForecaster` of several members) of those that validate close to it.
///
/// Every candidate trains for an eighth of the budget (at least 300 steps); those whose
/// validation MAE is within twice `tolerance` of the best go on to three eighths; those then
/// within `tolerance` of the best go on to the whole budget, and with `combine` their
/// forecasts are averaged with equal weights (one-series many-to-one models, where averaging
/// was measured to gain: BENCHMARKS.md). Going on continues training the same networks (a
/// warm restart of the optimiser), so no step is spent twice, and a model whose training has
/// ended (early stopping, the epoch limit) is not trained again. Without `combine`
/// (many-to-many, encoder-decoder, global models) the best after the second round trains
/// again from its start for the whole budget in one part: averaging those networks, or
/// keeping the best's warm-restarted training, was measured to lose (El Nino many-to-many
/// MASE 0.703 averaged, 0.674 warm, 0.627 retrained; orange juice 0.802 warm, 0.748
/// retrained). Deterministic: the order of candidates breaks ties.
struct ScalingSearch {
    /// How far behind the best validation MAE a scaling may be and still join the
    /// combination (30%); twice this after the first round keeps a candidate training.
    static let tolerance = 0.3

    /// The whole training budget of a candidate, in optimizer steps (`maxSteps`).
    let budget: Int
    /// The model's seasonal period (a candidate with another is labelled with its own).
    let season: Int
    let progress: (@Sendable (TrainingProgress) -> Void)?
    /// Whether the result averages the candidates within `tolerance` (else: the best).
    let combine: Bool

    /// The candidates of `auto` scaling for `c` on `series`: one per scaling the strategy
    /// takes; for a direct model without `window-seasonal` when seasonal naive does not
    /// beat naive in-sample, and with it anchored a week back when that suits the series
    /// (`weeklyConfiguration`).
    static func candidates(_ c: RecurrentConfiguration, _ series: SeriesData) -> [RecurrentConfiguration] {
        var normalizations = c.normalizationCandidates
        var weekly: RecurrentConfiguration?
        if DirectForecaster.serves(c) {
            if !WindowScaling.seasonalNaiveBeatsNaive(series.target, season: c.season, horizon: c.horizon) {
                normalizations.removeAll { $0 == .windowSeasonal }
            }
            weekly = weeklyConfiguration(c, series)
        }
        return normalizations.map { normalization in
            if normalization == .windowSeasonal, let weekly { return weekly }
            var candidate = c
            candidate.normalization = normalization
            return candidate
        }
    }

    /// The `window-seasonal` candidate anchored a week back, for a sub-daily series whose
    /// season is its day (m steps) and whose seasonal naive a week back (7m) forecasts the
    /// horizon better in-sample than seasonal naive a day back: electricity demand and
    /// traffic, whose weekends and weekdays differ. Its season (baseline and scale) is 7m
    /// and its window at least 7m + H. Nil when the day anchor stays (including series
    /// shorter than three weeks).
    static func weeklyConfiguration(_ c: RecurrentConfiguration, _ series: SeriesData) -> RecurrentConfiguration? {
        let x = series.target, m = c.season, week = 7 * m
        guard m > 1, series.frequency.stepsPerDay == m, x.count >= 3 * week + c.horizon,
              WindowScaling.seasonalNaiveBeats(x, season: week, over: m, horizon: c.horizon)
        else { return nil }
        var weekly = c
        weekly.normalization = .windowSeasonal
        weekly.season = week
        weekly.inputLength = max(c.window, week + c.horizon)
        return weekly
    }

    /// Runs the search over `candidates` (at least one): `train` fits a model for the given
    /// steps (`resuming` continues its networks), `score` is its validation MAE.
    func run(_ candidates: [RecurrentConfiguration],
             train: (inout RecurrentForecaster, _ steps: Int, _ resuming: Bool) throws -> Void,
             score: (RecurrentForecaster) -> Double) throws -> RecurrentForecaster {
        precondition(!candidates.isEmpty, "ScalingSearch: no candidate scalings")
        let first = min(budget, max(300, budget / 8))
        let second = min(budget, 3 * first)
        func error(_ model: RecurrentForecaster) -> Double {
            let e = score(model)
            return e.isNaN ? .infinity : e
        }
        var pool: [(model: RecurrentForecaster, error: Double)] = []
        for c in candidates {
            var model = RecurrentForecaster(c)
            model.progress = progress
            try train(&model, first, false)
            pool.append((model, error(model)))
        }
        let probes = pool.map { candidate in
            let c = candidate.model.configuration
            return ScalingProbe(normalization: c.normalization, season: c.season == season ? nil : c.season,
                                validationError: candidate.error)
        }

        func advance(to steps: Int) throws {
            for i in pool.indices where !pool[i].model.training.finished && pool[i].model.training.steps < steps {
                try train(&pool[i].model, steps - pool[i].model.training.steps, true)
                pool[i].error = error(pool[i].model)
            }
            pool = pool.enumerated().sorted { ($0.element.error, $0.offset) < ($1.element.error, $1.offset) }.map(\.element)
        }
        /// Keeps the candidates within `factor` of the best (the best always).
        func keep(within factor: Double) {
            let best = pool.map(\.error).min()!  // one candidate at least (checked above)
            pool = pool.filter { $0.error == best || $0.error <= factor * best }
        }
        keep(within: 1 + 2 * Self.tolerance)
        try advance(to: second)
        if combine {
            keep(within: 1 + Self.tolerance)
            try advance(to: budget)
        } else {
            // The winner (sorted first by `advance`) trains again from its start for the whole
            // budget, in one part.
            var winner = RecurrentForecaster(pool[0].model.configuration)
            winner.progress = progress
            try train(&winner, budget, false)
            pool = [(winner, 0)]
        }
        var best = pool[0].model
        best.report.probes = probes
        best.report.combined = pool.map(\.model.configuration.normalization)
        return RecurrentForecaster(members: ([best] + pool.dropFirst().map(\.model)).flatMap(\.members))
    }
}
