import Forecasting
import TimeSeries

/// A walk-forward run over the series of a panel, with global networks: at every origin one
/// network is fitted on the model inputs of every series up to that series' own origin
/// (`RecurrentForecaster.fit(panel:)`, each window scaled on its own) and forecasts every
/// series; per-series models (the baselines) run series by series as in `Backtest`.
///
/// Origins are each series' own (`Backtest.origins`, counted from its end as the protocol
/// does for one series) and are aligned from the end: global origin g of G (the largest
/// origin count) is origin k = g - (G - K) of a series with K origins, which takes part when
/// k >= 0. Refit blocks (`refitEvery`) are blocks of global origins: the block's first
/// origin fits, the others forecast from the new origins with that fit (`condition(on:)`).
/// Blocks run in parallel (`jobs`); every fit is deterministic and single-threaded, so the
/// results do not depend on the number of jobs.
public struct PanelBacktest {
    /// One series of the panel: its raw input and its plan (origins, horizon, season, gap,
    /// window, refit policy).
    public struct Series {
        public var input: Backtest.Input
        public var backtest: Backtest
        public init(input: Backtest.Input, backtest: Backtest) {
            self.input = input
            self.backtest = backtest
        }
    }

    /// A model of a panel run: one network for every series, or one model per series.
    public enum Model {
        case global(name: String, make: () -> RecurrentForecaster)
        case perSeries(Backtest.Model)

        public var name: String {
            switch self {
            case .global(let name, _): name
            case .perSeries(let model): model.name
            }
        }
    }

    /// An origin of one series: the series' index in the panel and its origin index.
    public struct Key: Hashable, Comparable, Sendable {
        public var series: Int
        public var origin: Int
        public init(series: Int, origin: Int) {
            self.series = series
            self.origin = origin
        }
        public static func < (a: Key, b: Key) -> Bool { (a.origin, a.series) < (b.origin, b.series) }
    }

    public let series: [Series]
    public var jobs: Int
    /// Refit every k global origins.
    public var refitEvery: Int
    /// How the global models' refits start (`Backtest.Refit`; chains of global refit blocks).
    public var refit: Backtest.Refit
    /// The part of the run this process does: the chains of global refit blocks it owns
    /// (`Shard.owns(unit:)`), every series at their origins.
    public var shard: Shard

    public init(series: [Series], jobs: Int = 1, refitEvery: Int = 1, refit: Backtest.Refit = .cold, shard: Shard = .whole) {
        self.series = series
        originCount = series.map(\.backtest.origins.count).max() ?? 0
        self.jobs = max(jobs, 1)
        self.refitEvery = max(refitEvery, 1)
        self.refit = refit
        self.shard = shard
    }

    /// The number of global origins: the most any series has.
    public let originCount: Int

    /// Series `s`'s origin index at global origin `g` (nil when it has fewer origins).
    public func origin(of s: Int, at g: Int) -> Int? {
        let k = g - (originCount - series[s].backtest.origins.count)
        return k >= 0 ? k : nil
    }

    /// The chains of global refit blocks that this shard runs (every chain of the whole run).
    public var shardChains: [[Range<Int>]] {
        let blocks = stride(from: 0, to: originCount, by: refitEvery).map { $0..<min($0 + refitEvery, originCount) }
        return shard.chains(Backtest.chains(of: blocks, refit: refit))
    }

    /// The (series, origin) pairs that this shard runs.
    public var shardKeys: [Key] {
        shardChains.joined().joined().flatMap { g in
            series.indices.compactMap { s in origin(of: s, at: g).map { Key(series: s, origin: $0) } }
        }
    }

    /// Runs `models` at every origin of this shard of every series not in `done` (`done[s]`: series s's
    /// origin indices). `record` is called once per completed (series, origin) with each
    /// model's outcome in the order of `models`, one call at a time, for a block's origins in
    /// origin order; a throwing `record` stops the run. Returns the outcomes of what ran.
    @discardableResult
    public func run(_ models: [Model], skipping done: [Set<Int>] = [],
                    record: ((Key, [Metrics.Outcome]) throws -> Void)? = nil) throws -> [Key: [Metrics.Outcome]] {
        let done = done.count == series.count ? done : Array(repeating: [], count: series.count)
        func isDone(_ g: Int) -> Bool {
            series.indices.allSatisfy { s in origin(of: s, at: g).map { done[s].contains($0) } ?? true }
        }
        let chains = shardChains.filter { !$0.joined().allSatisfy(isDone) }
        let collected = Collected<Key>()
        try Backtest.parallel(chains.count, jobs: jobs, failures: collected) { i in
            var fitted: [String: RecurrentForecaster] = [:]
            for range in chains[i] {
                let outcomes: [Key: [Metrics.Outcome]]
                (outcomes, fitted) = try runBlock(range, models: models, done: done, previous: fitted)
                try collected.add(outcomes, record: record)
            }
        }
        return collected.outcomes
    }

    /// Every model over the block's global origins: the global ones fitted at its first origin
    /// on every taking-part series (warm from `previous`, by name, when the refit is warm),
    /// the per-series ones as `Backtest.runBlock` does. Returns the outcomes and the global fits.
    private func runBlock(_ range: Range<Int>, models: [Model], done: [Set<Int>], previous: [String: RecurrentForecaster])
        throws -> ([Key: [Metrics.Outcome]], [String: RecurrentForecaster])
    {
        var outcomes: [Key: [Metrics.Outcome]] = [:]
        var perSeries: [Key: [Metrics.Outcome]] = [:]
        let baselines = models.compactMap { if case .perSeries(let m) = $0 { m } else { nil } }
        for s in series.indices {
            let local = range.compactMap { origin(of: s, at: $0) }
            guard let first = local.first, let last = local.last else { continue }
            for k in local where !done[s].contains(k) { outcomes[Key(series: s, origin: k)] = [] }
            guard !baselines.isEmpty else { continue }
            let plan = series[s].backtest
            for (k, result) in try plan.runBlock(first..<(last + 1), models: baselines, input: series[s].input, done: done[s]).0 {
                perSeries[Key(series: s, origin: k)] = result
            }
        }
        var global: [String: [Key: Metrics.Outcome]] = [:], fits: [String: RecurrentForecaster] = [:]
        for model in models {
            guard case .global(let name, let make) = model else { continue }
            (global[name], fits[name]) = try runGlobal(range, make: make, done: done, previous: previous[name])
        }
        // Each (series, origin) in the order of `models`.
        for key in outcomes.keys {
            var next = 0
            outcomes[key] = models.compactMap { model -> Metrics.Outcome? in
                switch model {
                case .global(let name, _): return global[name]?[key]
                case .perSeries:
                    defer { next += 1 }
                    return perSeries[key].map { $0[next] }
                }
            }
        }
        return (outcomes, fits)
    }

    /// One global model over the block: fitted at the first origin on every series that takes
    /// part there, then each series forecast from its own origin through the shared network
    /// (`RecurrentForecaster.predict`, one inference pass).
    private func runGlobal(_ range: Range<Int>, make: () -> RecurrentForecaster, done: [Set<Int>],
                           previous: RecurrentForecaster?) throws -> ([Key: Metrics.Outcome], RecurrentForecaster?)
    {
        var outcomes: [Key: Metrics.Outcome] = [:]
        var fitted: RecurrentForecaster?
        for g in range {
            let taking = series.indices.compactMap { s in origin(of: s, at: g).map { (s: s, k: $0) } }
            let inputs = taking.map { s, k in series[s].backtest.modelInput(series[s].input, trainLength: series[s].backtest.origins.trainLengths[k]) }
            if fitted == nil {
                if case .warm(_, let steps) = refit, let previous {
                    fitted = try previous.warmRefitted(onPanel: inputs.map(\.data), steps: steps)
                } else {
                    var model = make()
                    try model.fit(panel: inputs.map(\.data))
                    fitted = model
                }
            }
            guard let fitted else { continue }  // set just above
            let wanted = taking.indices.filter { !done[taking[$0].s].contains(taking[$0].k) }
            guard !wanted.isEmpty else { continue }
            var views: [RecurrentForecaster] = []
            for i in wanted {
                var view = try fitted.forecaster(forSeries: series[taking[i].s].input.name)
                try view.condition(on: inputs[i].data)
                views.append(view)
            }
            let plan = series[taking[wanted[0]].s].backtest
            let futures = wanted.map { i in
                Backtest.futureInputs(series[taking[i].s].input, trainLength: series[taking[i].s].backtest.origins.trainLengths[taking[i].k],
                                      steps: plan.gap + plan.horizon)
            }
            let forecasts = try RecurrentForecaster.predict(views, horizon: plan.gap + plan.horizon, futures: futures)
            for (i, forecast) in zip(wanted, forecasts) {
                let (s, k) = taking[i], gap = series[s].backtest.gap, h = series[s].backtest.horizon
                outcomes[Key(series: s, origin: k)] = Metrics.Outcome(
                    trainStart: inputs[i].start, trainLength: series[s].backtest.origins.trainLengths[k], gap: gap,
                    forecast: Array(forecast.point.suffix(h)),
                    quantiles: forecast.quantiles.map { (level: $0.level, values: Array($0.values.suffix(h))) })
            }
        }
        return (outcomes, fitted)
    }
}
