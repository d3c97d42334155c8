import Neural
import TimeSeries

/// The search a one-series fit runs over its own settings (the idea of NeuralForecast's
/// `AutoGRU` without Ray), judged by validation MAE in the data's units on the validation
/// windows at the end of the training data, by successive halving under one step budget;
/// then the best, or the average (a `RecurrentForecaster` of several members) of the few
/// that validate close to it.
///
/// Two stages share the first round: the settings asked for with each scaling the strategy
/// takes (`auto`; else the one given), then, from the scaling that validated best, the
/// other points of the search level (`Point`: input window, hidden size, layers, learning
/// rate, dropout, cell, relative to the settings asked for). Every candidate trains for an
/// eighth of the budget B (`maxSteps`, at least 300 steps); the best third (at least two)
/// that are within twice `tolerance` of the best go on to three eighths; those then within
/// `tolerance` of the best (at most `maxMembers`) go on to the whole budget, and with
/// `combine` their forecasts are averaged with equal weights (one-series many-to-one models,
/// where averaging was measured to gain: BENCHMARKS.md). Going on continues training the same
/// networks (a warm restart of the optimiser), so no step is spent twice, and a model whose
/// training has ended (early stopping, the epoch limit) is not trained again. Without
/// `combine` (many-to-many, encoder-decoder, global models) the best after the second round
/// trains again from its start for the whole budget in one part: averaging those networks,
/// or keeping the best's warm-restarted training, was measured to lose (El Nino many-to-many
/// MASE 0.703 averaged, 0.674 warm, 0.627 retrained; orange juice 0.802 warm, 0.748
/// retrained). `stepBound` bounds the steps of a search over a number of candidates.
/// Deterministic: every candidate starts from the configuration's seed, and the order of
/// candidates breaks ties.
public struct SettingsSearch {
    /// How far the fit searches its own settings (`--search`).
    public enum Level: String, Sendable, Codable, CaseIterable {
        /// The settings asked for (their scalings only, with `auto`).
        case off
        /// Three more points around them: a longer window, a smaller network learning
        /// faster, a larger deeper one with dropout.
        case quick
        /// Eleven more, the LSTM cell among them.
        case thorough

        /// The level of a new configuration, chosen by measurement (BENCHMARKS.md).
        public static let standard = Level.off

        /// The points searched, the settings asked for first.
        var points: [Point] {
            switch self {
            case .off: [Point()]
            case .quick: Point.quick
            case .thorough: Point.quick + Point.thoroughMore
            }
        }
    }

    /// A point of the search space: a change to the configuration asked for.
    struct Point: Equatable {
        /// The input window times this (at least a season and a step).
        var window = 1.0
        /// The hidden size times this, the learning rate times `learningRate`.
        var hidden = 1.0
        var learningRate = 1.0
        /// Layers added, and the dropout between them when there are several.
        var layersAdded = 0
        var dropout: Float?
        /// Another cell.
        var cell: CellKind?

        /// The points of a quick search: the settings asked for, a longer window, a smaller
        /// faster-learning network, a larger deeper one with dropout.
        static let quick = [
            Point(), Point(window: 1.5), Point(hidden: 0.5, learningRate: 3),
            Point(hidden: 2, layersAdded: 1, dropout: 0.1),
        ]
        /// The further points of a thorough search.
        static let thoroughMore = [
            Point(window: 0.5), Point(window: 2), Point(learningRate: 0.3), Point(hidden: 2),
            Point(layersAdded: 1, dropout: 0.2), Point(hidden: 0.5), Point(cell: .lstm), Point(hidden: 2, cell: .lstm),
        ]

        /// `c` moved to this point (sizes kept within `RecurrentConfiguration.Limits`).
        func applied(to c: RecurrentConfiguration) -> RecurrentConfiguration {
            guard self != Point() else { return c }
            var moved = c
            if window != 1 { moved.inputLength = max(c.season + 1, Int((Double(c.window) * window).rounded())) }
            if hidden != 1 {
                moved.hiddenSize = min(RecurrentConfiguration.Limits.hiddenSize.upperBound,
                                       max(4, Int((Double(c.hiddenSize) * hidden).rounded())))
            }
            moved.learningRate = c.learningRate * learningRate
            moved.layers = min(RecurrentConfiguration.Limits.layers.upperBound, c.layers + layersAdded)
            if let dropout, moved.layers > 1 { moved.dropout = dropout }
            if let cell, c.cell != cell { moved.cell = cell }
            return moved
        }
    }

    /// How far behind the best validation MAE a candidate may be and still join the
    /// combination (30%); twice this after the first round keeps a candidate training.
    static let tolerance = 0.3
    /// The most networks a combination averages.
    static let maxMembers = 3

    /// The whole training budget of a candidate, in optimizer steps (`maxSteps`).
    let budget: Int
    /// The model's seasonal period (a candidate with another is labelled with its own).
    let season: Int
    let progress: (@Sendable (TrainingProgress) -> Void)?
    /// Whether the result averages the candidates within `tolerance` (else: the best).
    let combine: Bool

    /// Steps of the first and second rounds.
    var firstRound: Int { min(budget, max(300, budget / 8)) }
    var secondRound: Int { min(budget, 3 * firstRound) }

    /// How many of `count` candidates go on to the second round at most: all the scalings of
    /// the settings asked for, a third (at least two) of a search's.
    static func secondRoundCount(_ count: Int, searching: Bool) -> Int {
        searching ? min(count, max(2, (count + 2) / 3)) : count
    }

    /// The most optimizer steps a search over `count` candidates takes (`searching`: a
    /// second stage among them): every candidate's first round, the second round of those
    /// kept, the whole budget of the last (with `combine`; else the winner's training from
    /// its start).
    func stepBound(candidates count: Int, searching: Bool) -> Int {
        guard count > 1 else { return budget }
        let second = Self.secondRoundCount(count, searching: searching)
        let last = combine ? min(second, Self.maxMembers) * (budget - secondRound) : budget
        return count * firstRound + second * (secondRound - firstRound) + last
    }

    /// The first stage's candidates for `c` on `series`: the settings asked for with each
    /// scaling the strategy takes under `auto` (else the one given); for a direct model
    /// without `window-seasonal` when seasonal naive does not beat naive in-sample, and with
    /// it anchored a week back when that suits the series (`weeklyConfiguration`).
    static func scalings(_ c: RecurrentConfiguration, _ series: SeriesData) -> [Candidate] {
        var normalizations = c.normalization == .auto ? c.normalizationCandidates : [c.normalization]
        var weekly: RecurrentConfiguration?
        if DirectForecaster.serves(c), c.normalization == .auto {
            if !WindowScaling.seasonalNaiveBeatsNaive(series.target, season: c.season, horizon: c.horizon) {
                normalizations.removeAll { $0 == .windowSeasonal }
            }
            weekly = weeklyConfiguration(c, series)
        }
        return normalizations.map { normalization in
            if normalization == .windowSeasonal, let weekly { return Candidate(configuration: weekly, changes: nil) }
            var candidate = c
            candidate.normalization = normalization
            return Candidate(configuration: candidate, changes: nil)
        }
    }

    /// The second stage's candidates: the other points of `c`'s search level moved from
    /// `scaling` (the first stage's best), those whose window the series holds with the
    /// fewest windows a default keeps and whose size this machine holds (`validate`). Empty
    /// with the search off.
    static func points(_ c: RecurrentConfiguration, _ series: SeriesData, from scaling: RecurrentConfiguration) -> [Candidate] {
        let rows = series.target.count
        return c.search.points.dropFirst().compactMap { point in
            let moved = point.applied(to: scaling)
            guard moved.window == scaling.window
                || rows >= moved.rowsNeeded(window: moved.window) + RecurrentConfiguration.minimumWindows - 2,
                (try? moved.validate()) != nil else { return nil }
            return Candidate(configuration: moved, changes: NetworkSettings(moved).changes(from: scaling))
        }
    }

    /// A configuration the search fits, and what its point changes of the settings asked
    /// for (`NetworkSettings.changes`; nil: nothing but the scaling).
    struct Candidate {
        var configuration: RecurrentConfiguration
        var changes: String?
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

    /// Runs the search: the first stage's `candidates` (at least one) for the first round;
    /// with `more`, the candidates it makes from the best of them (the second stage, also for
    /// the first round); then the rounds of successive halving over them all. `train` fits a
    /// model for the given steps (`resuming` continues its networks), `score` is its validation MAE.
    func run(_ candidates: [Candidate], more: ((RecurrentConfiguration) -> [Candidate])? = nil,
             train: (inout RecurrentForecaster, _ steps: Int, _ resuming: Bool) throws -> Void,
             score: (RecurrentForecaster) -> Double) throws -> RecurrentForecaster {
        precondition(!candidates.isEmpty, "SettingsSearch: no candidates")
        let first = firstRound, second = secondRound
        func error(_ model: RecurrentForecaster) -> Double {
            let e = score(model)
            return e.isNaN ? .infinity : e
        }
        var pool: [(model: RecurrentForecaster, error: Double)] = []
        var tried: [Candidate] = []
        func probe(_ batch: [Candidate]) throws {
            for c in batch {
                var model = RecurrentForecaster(c.configuration)
                model.progress = progress
                try train(&model, first, false)
                pool.append((model, error(model)))
                tried.append(c)
            }
        }
        try probe(candidates)
        if let more {
            // The first least error (the order of candidates breaks ties).
            let best = pool.indices.min { pool[$0].error < pool[$1].error }!  // one candidate at least
            try probe(more(pool[best].model.configuration))
        }
        let probes = zip(pool, tried).map { trained, candidate in
            let c = candidate.configuration
            return SearchProbe(normalization: c.normalization, season: c.season == season ? nil : c.season,
                               settings: candidate.changes, validationError: trained.error)
        }

        func advance(to steps: Int) throws {
            for i in pool.indices where !pool[i].model.training.finished && pool[i].model.training.steps < steps {
                try train(&pool[i].model, steps - pool[i].model.training.steps, true)
                pool[i].error = error(pool[i].model)
            }
            sort()
        }
        func sort() {
            pool = pool.enumerated().sorted { ($0.element.error, $0.offset) < ($1.element.error, $1.offset) }.map(\.element)
        }
        /// Keeps at most `count` of the candidates within `factor` of the best (the best always).
        func keep(within factor: Double, atMost count: Int) {
            sort()
            let best = pool[0].error  // one candidate at least (checked above)
            pool = Array(pool.enumerated().filter { $0.offset == 0 || $0.element.error <= factor * best }.prefix(count).map(\.element))
        }
        // The scalings alone all go on when close (at most three); a search keeps a third.
        keep(within: 1 + 2 * Self.tolerance, atMost: Self.secondRoundCount(pool.count, searching: more != nil))
        try advance(to: second)
        if combine {
            keep(within: 1 + Self.tolerance, atMost: Self.maxMembers)
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
