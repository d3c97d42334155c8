import Dispatch
import Forecasting
import Synchronization
import TimeSeries

/// A walk-forward run: every model fitted on the protocol's model input at an origin (the
/// training rows with missing values filled as datasets/PROTOCOL.md section 3), forecasting
/// H steps after an optional gap, scored by `Metrics`. By default the window expands and
/// every origin refits; `window` makes it slide and `refitEvery` refits every k origins
/// (in between, the last fit forecasts from the new origin: `Refreshable`).
public struct Backtest {
    /// A model to evaluate: its name and a maker of fresh, unfitted instances.
    public struct Model {
        public var name: String
        public var make: () -> any Forecaster
        /// A model named `name`; `make` returns a new unfitted instance on every call.
        public init(name: String, make: @escaping () -> any Forecaster) {
            self.name = name
            self.make = make
        }
    }

    /// The series under test, raw: NaN where a value is missing (target and covariates).
    public typealias Input = SeriesData

    /// One model's results: the forecasts of every origin and their metrics.
    public struct Result {
        public var model: String
        public var outcomes: [Metrics.Outcome]
        public var metrics: Metrics
    }

    public var origins: Origins
    public var horizon: Int
    public var season: Int
    /// Blocks of origins fitted at once, each on its own thread. Every fit is
    /// deterministic and single-threaded inside, so results do not depend on this.
    public var jobs: Int
    /// Rows between the end of training and the first scored step.
    public var gap: Int
    /// Training rows at most (a sliding window); nil: all rows before the origin.
    public var window: Int?
    /// Refit every k origins; in between, models forecast from the new origin unrefitted.
    public var refitEvery: Int
    /// How refits start: from new networks (`cold`), or from the networks fitted at the
    /// previous refit of the same chain of `chain` refits, in at most `steps` steps (`warm`,
    /// for `WarmRefittable` models; each chain starts cold, so chains run in parallel and
    /// results do not depend on `jobs`).
    public var refit: Refit
    /// The part of the run this process does: the chains of refits it owns (`Shard.owns(unit:)`).
    public var shard: Shard = .whole
    /// Whether targets missing in the training rows are kept out of the loss (`--missing
    /// mask`): filled for the inputs as the protocol fills them, and marked not observed.
    public var masksMissing = false

    public enum Refit: Sendable, Equatable {
        case cold
        case warm(chain: Int, steps: Int)

        /// Refits per chain: every chain of a cold run is one refit.
        public var chain: Int {
            if case .warm(let chain, _) = self { max(chain, 1) } else { 1 }
        }
    }

    /// A walk-forward plan: origins, horizon, season (for MASE), jobs, and the gap, sliding window and refit policy.
    public init(origins: Origins, horizon: Int, season: Int, jobs: Int = 1, gap: Int = 0, window: Int? = nil,
                refitEvery: Int = 1, refit: Refit = .cold) {
        self.origins = origins
        self.horizon = horizon
        self.season = season
        self.jobs = max(jobs, 1)
        self.gap = max(gap, 0)
        self.window = window
        self.refitEvery = max(refitEvery, 1)
        self.refit = refit
    }

    /// The model input at an origin with `trainLength` rows: the training rows (the last
    /// `window` of them when sliding) with the target interpolated and leading missing
    /// values dropped, covariates interpolated and filled at both ends. Also returns the
    /// first training row, which MASE's scale starts from.
    ///
    /// Future covariates (known in advance) take their training rows likewise; a forecast
    /// takes their values after the origin from `futureInputs`. With `masksMissing`, the
    /// targets that were missing are marked not observed (`SeriesData.observed`).
    public func modelInput(_ input: Input, trainLength t: Int) -> (data: SeriesData, start: Int) {
        let start = window.map { max(0, t - $0) } ?? 0
        let target = Frame.interpolated(Array(input.target[start..<t]))
        let first = t - target.count  // after leading missing values
        func filled(_ column: [Double]) -> [Double] {
            let filled = Frame.interpolated(Array(column[first..<t]))
            return Array(repeating: filled.first ?? 0, count: t - first - filled.count) + filled
        }
        let raw = input.target[first..<t]
        let observed = masksMissing && raw.contains(where: \.isNaN) ? raw.map { !$0.isNaN } : nil
        return (SeriesData(name: input.name, target: target, observed: observed, covariates: input.covariates.map(filled),
                           covariateNames: input.covariateNames, futureCovariates: input.futureCovariates.map(filled),
                           futureCovariateNames: input.futureCovariateNames, staticCovariates: input.staticCovariates,
                           staticCovariateNames: input.staticCovariateNames,
                           timestamps: input.timestamps.map { Array($0[first..<t]) }, frequency: input.frequency), start)
    }

    /// The values of the inputs known in advance for the `steps` rows after the first `t`:
    /// each future covariate's rows t ..< t + steps of the data (a backtest forecasts with the
    /// values the data hold there: for weather, a perfect forecast), missing ones interpolated
    /// over the whole column and its ends filled.
    public static func futureInputs(_ input: Input, trainLength t: Int, steps: Int) -> FutureInputs {
        FutureInputs(covariates: input.futureCovariates.map { column in
            let interpolated = Frame.interpolated(column)
            let whole = Array(repeating: interpolated.first ?? 0, count: column.count - interpolated.count) + interpolated
            return Array(whole[t..<min(t + steps, whole.count)])
        })
    }

    /// The origin indices that share a fit with origin `index` (its refit block).
    public func block(of index: Int) -> Range<Int> {
        let first = index / refitEvery * refitEvery
        return first..<min(first + refitEvery, origins.count)
    }

    /// Runs `models` at every origin of this shard whose index (0-based) is not in `done`. `record` is
    /// called once per origin as it completes (one call at a time, in completion order)
    /// with each model's outcome in the order of `models`; a throwing `record` stops the
    /// run. Returns the outcomes of the origins run, by origin index.
    @discardableResult
    public func run(_ models: [Model], on input: Input, skipping done: Set<Int> = [],
                    record: ((Int, [Metrics.Outcome]) throws -> Void)? = nil) throws -> [Int: [Metrics.Outcome]] {
        let chains = shardChains.filter { !$0.joined().allSatisfy(done.contains) }
        let collected = Collected<Int>()
        try Backtest.parallel(chains.count, jobs: jobs, failures: collected) { i in
            var fitted: [(any Forecaster)?] = Array(repeating: nil, count: models.count)
            for range in chains[i] {
                let outcomes: [Int: [Metrics.Outcome]]
                (outcomes, fitted) = try self.runBlock(range, models: models, input: input, done: done, previous: fitted)
                try collected.add(outcomes, record: record)
            }
        }
        return collected.outcomes
    }

    /// The chains of refit blocks that this shard runs (every chain of the whole run).
    public var shardChains: [[Range<Int>]] {
        let blocks = stride(from: 0, to: origins.count, by: refitEvery).map { block(of: $0) }
        return shard.chains(Backtest.chains(of: blocks, refit: refit))
    }

    /// The origin indices that this shard runs, ascending.
    public var shardOrigins: [Int] { shardChains.flatMap { $0.joined() } }

    /// The refit blocks in chains: one block per chain for cold refits, `chain` consecutive
    /// blocks for warm ones.
    static func chains(of blocks: [Range<Int>], refit: Refit) -> [[Range<Int>]] {
        stride(from: 0, to: blocks.count, by: refit.chain).map { Array(blocks[$0..<min($0 + refit.chain, blocks.count)]) }
    }

    /// Runs `body` for blocks 0..<count: in order on this thread (one job or block), else on
    /// up to `jobs` threads taking the next block in turn; a failure stops the taking, and the
    /// error of the earliest failed block is thrown (the same whatever the timing).
    static func parallel<Key>(_ count: Int, jobs: Int, failures: Collected<Key>, _ body: (Int) throws -> Void) throws {
        if jobs == 1 || count <= 1 {
            for i in 0..<count { try body(i) }
            return
        }
        // Safe to share: every block builds its own forecasters (their own networks and
        // buffers) and reads the inputs only; `failures` is locked.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: min(jobs, count)) { _ in
            while let i = failures.take(below: count) {
                do { try body(i) } catch { failures.fail(i, error) }
            }
        }
        if let error = failures.firstError { throw error }
    }

    /// Fits every model at the block's first origin (warm from `previous[m]`, model m's fit
    /// at the previous block of the chain, when there is one and the refit is warm) and
    /// forecasts its origins not done. Returns the outcomes and each model's fit.
    func runBlock(_ range: Range<Int>, models: [Model], input: Input, done: Set<Int>,
                  previous: [(any Forecaster)?] = []) throws -> ([Int: [Metrics.Outcome]], [(any Forecaster)?])
    {
        var fits: [(any Forecaster)?] = []
        var outcomes: [Int: [Metrics.Outcome]] = [:]
        for index in range where !done.contains(index) { outcomes[index] = [] }
        // Every model trains on the same input at an origin: built once per origin.
        let inputs = range.map { modelInput(input, trainLength: origins.trainLengths[$0]) }
        for (m, model) in models.enumerated() {
            var fitted: (any Forecaster)?
            var previousRows = 0
            for (index, (data, start)) in zip(range, inputs) {
                let wanted = outcomes[index] != nil
                let t = origins.trainLengths[index]
                var summary: FitSummary?
                if fitted == nil {  // the block's first origin: its fit serves the others
                    if case .warm(_, let steps) = refit, m < previous.count, let earlier = previous[m] as? any WarmRefittable {
                        fitted = try earlier.warmRefitted(on: data, steps: steps)
                    } else {
                        var fresh = model.make()
                        try fresh.fit(data)
                        fitted = fresh
                    }
                    summary = fitted?.fitSummary
                    fits.append(fitted)
                } else if var refreshable = fitted as? any Refreshable {
                    guard wanted else { continue }  // done: the next refresh takes its rows too
                    try refreshable.refresh(with: data, newRows: t - previousRows)
                    fitted = refreshable
                } else {  // a baseline: its fit is its forecast rule
                    guard wanted else { continue }
                    var fresh = model.make()
                    try fresh.fit(data)
                    fitted = fresh
                }
                previousRows = t
                guard wanted, let fitted else { continue }
                let forecast = try fitted.predict(horizon: gap + horizon,
                                                  future: Backtest.futureInputs(input, trainLength: t, steps: gap + horizon))
                outcomes[index]?.append(Metrics.Outcome(
                    trainStart: start, trainLength: t, gap: gap, forecast: Array(forecast.point.suffix(horizon)),
                    quantiles: forecast.quantiles.map { (level: $0.level, values: Array($0.values.suffix(horizon))) },
                    fit: summary))
            }
        }
        return (outcomes, fits)
    }

    /// Runs `models` at every origin and scores them.
    public func evaluate(_ models: [Model], on input: Input) throws -> [Result] {
        let outcomes = try run(models, on: input)
        return Backtest.results(models: models.map(\.name), outcomes: outcomes, series: input.target, season: season)
    }

    /// Runs `models` on the raw series `y` (NaN where missing), with its timestamps and grid.
    public func run(_ models: [Model], series y: [Double], name: String = "series", timestamps: [Timestamp]? = nil,
                    frequency: Frequency = .index) throws -> [Result] {
        try evaluate(models, on: Input(name: name, target: y, timestamps: timestamps, frequency: frequency))
    }

    /// Per-model results from per-origin outcomes (`outcomes[index][model]`).
    public static func results(models: [String], outcomes: [Int: [Metrics.Outcome]], series y: [Double],
                               season: Int) -> [Result] {
        let ordered = outcomes.sorted { $0.key < $1.key }.map(\.value)
        return models.enumerated().map { m, name in
            let perOrigin = ordered.map { $0[m] }
            return Result(model: name, outcomes: perOrigin, metrics: Metrics(outcomes: perOrigin, series: y, season: season))
        }
    }
}

/// What the workers share: the next block to take, the outcomes (by origin, or by series
/// and origin), the first failure.
final class Collected<Key: Hashable & Comparable & Sendable>: Sendable {
    private struct State {
        var outcomes: [Key: [Metrics.Outcome]] = [:]
        var next = 0
        var failure: (index: Int, error: any Error)?
    }
    private let state = Mutex(State())

    /// Records a block's outcomes in origin order (`record` runs under the lock, so the
    /// store sees one block at a time).
    func add(_ outcomes: [Key: [Metrics.Outcome]], record: ((Key, [Metrics.Outcome]) throws -> Void)?) throws {
        try state.withLock { s in
            for (index, perModel) in outcomes.sorted(by: { $0.key < $1.key }) {
                try record?(index, perModel)
                s.outcomes[index] = perModel
            }
        }
    }

    var outcomes: [Key: [Metrics.Outcome]] { state.withLock { $0.outcomes } }

    /// The next block index below `limit`, or nil when all are taken or a block failed.
    func take(below limit: Int) -> Int? {
        state.withLock { s in
            guard s.next < limit, s.failure == nil else { return nil }
            defer { s.next += 1 }
            return s.next
        }
    }

    /// Keeps the failure of the earliest block, so the error does not depend on timing.
    func fail(_ index: Int, _ error: any Error) {
        state.withLock { s in if s.failure == nil || index < s.failure!.index { s.failure = (index, error) } }
    }

    var firstError: (any Error)? { state.withLock { $0.failure?.error } }
}
