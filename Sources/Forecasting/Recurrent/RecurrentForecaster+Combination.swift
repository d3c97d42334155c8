import TimeSeries

extension RecurrentForecaster {
    /// How far behind the best validation MAE a scaling may be and still join the
    /// combination (30%); twice this after the first round keeps a candidate training.
    static let combinationTolerance = 0.3

    /// `auto` scaling of a many-to-one model: successive halving over the candidate
    /// configurations (one per scaling, `weeklyConfiguration` for a weekly anchor), then
    /// the average of those that validate close to the best.
    ///
    /// Every candidate trains for an eighth of `maxSteps` (at least 300 steps); those whose
    /// validation MAE is within twice `combinationTolerance` of the best go on to three
    /// eighths; those then within `combinationTolerance` of the best go on to the whole
    /// budget, and their forecasts are averaged with equal weights. Going on continues
    /// training the same network (a warm restart of the optimiser), so no step is spent
    /// twice, and a network whose training has ended (early stopping, the epoch limit) is
    /// not trained again. Deterministic: the order of candidates breaks ties.
    mutating func fitCombination(of candidates: [RecurrentConfiguration], _ series: SeriesData) throws {
        precondition(!candidates.isEmpty, "fitCombination: no candidate scalings")
        let total = configuration.maxSteps
        let first = min(total, max(300, total / 8))
        let second = min(total, 3 * first)
        func score(_ model: RecurrentForecaster) -> Double {
            let error = model.validationError(series)
            return error.isNaN ? .infinity : error
        }
        var pool: [(model: RecurrentForecaster, error: Double)] = []
        for c in candidates {
            var model = RecurrentForecaster(c)
            model.progress = progress
            try model.fitConcrete(series, steps: first)
            pool.append((model, score(model)))
        }
        let probes = pool.map { candidate in
            let c = candidate.model.configuration
            return ScalingProbe(normalization: c.normalization, season: c.season == configuration.season ? nil : c.season,
                                validationError: candidate.error)
        }

        func advance(to steps: Int) throws {
            for i in pool.indices where !pool[i].model.trainingFinished && pool[i].model.trainedSteps < steps {
                try pool[i].model.fitConcrete(series, steps: steps - pool[i].model.trainedSteps, resuming: true)
                pool[i].error = score(pool[i].model)
            }
            pool = pool.enumerated().sorted { ($0.element.error, $0.offset) < ($1.element.error, $1.offset) }.map(\.element)
        }
        /// Keeps the candidates within `factor` of the best (the best always).
        func keep(within factor: Double) {
            let best = pool.map(\.error).min()!  // one candidate at least (checked above)
            pool = pool.filter { $0.error == best || $0.error <= factor * best }
        }
        keep(within: 1 + 2 * Self.combinationTolerance)
        try advance(to: second)
        keep(within: 1 + Self.combinationTolerance)
        try advance(to: total)
        var combination = pool[0].model
        combination.members = pool.dropFirst().map(\.model)
        combination.report.probes = probes
        combination.report.combined = pool.map(\.model.configuration.normalization)
        combination.state.report = combination.report
        self = combination
    }
}
