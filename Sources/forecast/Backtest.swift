import ArgumentParser
import Backtesting
import Forecasting
import Foundation
import Neural
import Storage
import Support
import TimeSeries

/// `forecast backtest`: walk-forward evaluation with errors per horizon step, optionally
/// recorded origin by origin in a store and resumable.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Walk-forward backtest: refit every model at every origin and report errors per horizon step.",
        discussion: """
            Origins: --origins K [--step S], or --start DATE|FRACTION [--step S] (S defaults to H), else the \
            rule of datasets/PROTOCOL.md section 1 (K = 10 below 1,000 rows, else 20; the last origin's \
            test window ends at the last row). The window expands (--window N: slides over the last N \
            rows); every model is refitted at every origin (--refit-every k: every k-th origin, the \
            others forecast from the new origin with the last fit, stateful models carrying their \
            state forward) on the rows before it, missing values filled as PROTOCOL.md section 3. \
            --gap G leaves G rows between the training end and the first scored step. \
            Models (--models): the baselines and the recurrent networks by kind, the networks with \
            the model flags of `train`. Skill is 1 - MASE / MASE of \
            seasonal naive (positive: better than seasonal naive). With --db the run is written \
            origin by origin; an interrupted run finishes with --resume RUN --db DB and gives the \
            numbers an uninterrupted run gives. \
            --shard I/N (with --db) runs part I of N of the run, for a cluster's job array: per-series \
            models by a stable hash of the series name, global networks and one series by chains of \
            refits (each origin of a cold run, each warm chain), round robin. Shards of one command on \
            the same data share the run's UUID; `forecast merge --db OUT SHARD.db...` folds their stores \
            into one run with the metrics one process gives.
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Models, comma-separated: \(ModelKind.names()).", transform: ModelKind.parseList)
    var models: [ModelKind] = [.gru, .naive, .seasonalNaive, .drift]

    @Option(help: "Number of origins, the last one's test window ending at the last row (every --step rows, default the horizon).")
    var origins: Int?

    @Option(help: "Rows between consecutive origins (with --origins or --start; default: the horizon).")
    var step: Int?

    @Option(help: "The first origin: a date (the first row at or after it is forecast first) or a fraction of the rows in (0, 1).")
    var start: String?

    @Option(help: "Train on the last N rows before each origin only (a sliding window; default: all rows, expanding).")
    var window: Int?

    @Option(help: "Refit every k origins; in between, the last fit forecasts from the new origin.")
    var refitEvery = 1

    @Option(help: "Rows between the end of training and the first scored step.")
    var gap = 0

    /// How refits start.
    enum RefitStart: String, ExpressibleByArgument, CaseIterable {
        case cold, warm
    }

    @Option(help: "How networks refit: cold (from new weights at every refit) or warm (from the weights of the previous refit of its chain, early stopping on the new validation windows, a quarter of --max-steps). Default: warm for global (panel) networks, cold for one series.")
    var refit: RefitStart?

    @Option(help: "With --refit warm: refits per chain; each chain starts cold, so chains run in parallel and results do not depend on --jobs.")
    var warmChain = 5

    @Option(help: "Origins fitted in parallel (default: the number of cores); results are identical to --jobs 1.")
    var jobs: Int?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "For a panel, the series listed under the table: \(BacktestReport.PerSeries.help).")
    var perSeries: BacktestReport.PerSeries = .worst(10)

    @Flag(inversion: .prefixedNo,
          help: "With --series-column: fit one network per origin on every series (--global, the default for long-format input) or one per series (--no-global). Baselines are fitted per series either way.")
    var global: Bool?

    @Option(help: "Record the run in this SQLite database (created when missing), origin by origin.")
    var db: String?

    @Option(help: "Finish the interrupted run with this id in --db (its data and flags come from the store).")
    var resume: Int64?

    @Option(help: "Run part I of N of the backtest (0 <= I < N <= \(BacktestCommand.maxShards), as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count) into its own --db; `forecast merge` folds the shards' stores into one.",
            transform: BacktestCommand.parseShard)
    var shard: Shard?

    func validate() throws {
        if resume != nil {
            guard db != nil else { throw ValidationError("--resume needs --db.") }
            return
        }
        // Row counts up to 10^8 (`--origins` times `--step` then fits an Int many times over).
        try checkRanges([("--jobs", jobs, 1...1024), ("--origins", origins, 1...100_000), ("--step", step, 1...100_000_000),
                         ("--window", window, 2...100_000_000), ("--refit-every", refitEvery, 1...100_000),
                         ("--warm-chain", warmChain, 1...100_000),
                         ("--gap", gap, 0...100_000_000)])
        if origins != nil && start != nil { throw ValidationError("--origins and --start exclude each other.") }
        if step != nil && origins == nil && start == nil { throw ValidationError("--step goes with --origins or --start.") }
        if models.isEmpty { throw ValidationError("--models needs at least one model.") }
        if shard != nil && db == nil { throw ValidationError("--shard needs --db: each shard writes its own store, for `forecast merge`.") }
        if Set(models).count != models.count { throw ValidationError("--models names a model twice.") }
        // A panel is global unless --no-global; whether the data are a panel is known when read.
        try model.checkCombination(global: global ?? !model.staticCovariates.isEmpty, warmRefit: refit == .warm)
    }

    func run() throws {
        if let resume, let db {
            // Opening would create an empty store: a missing one is missing input.
            guard FileManager.default.fileExists(atPath: db) else {
                throw CommandError(message: "\(db): no such store (--resume continues a run stored there)", code: ExitStatus.noInput)
            }
            let store = try Store(path: db)
            let run = try requireRun(resume, in: store, db: db)
            guard run.kind == .backtest else {
                throw CommandError(message: "\(db): run \(resume) is a \(run.kind) run, not a backtest", code: ExitStatus.usage)
            }
            guard run.status != .complete else {
                throw CommandError(message: "\(db): run \(resume) is already complete (forecast report --db \(db) --run \(resume))",
                                   code: ExitStatus.usage)
            }
            var stored = try BacktestCommand.stored(run, db: db)
            stored.jobs = jobs
            stored.format = format
            stored.perSeries = perSeries
            try stored.execute(store: { store }, resuming: run)
        } else {
            let store = try db.map(Store.Deferred.init)
            try execute(store: { try store?.open() }, resuming: nil)
        }
    }

    /// The command a run was started with, from its `config_json` (the store is open
    /// already: this moves to the directory the run started in).
    static func stored(_ run: Store.RunRow, db: String) throws -> BacktestCommand {
        guard let config = JSONValue.parse(run.configJSON), let argv = config["argv"]?.array?.compactMap(\.string) else {
            throw CommandError(message: "\(db): run \(run.id) has no command line in its config_json to resume from")
        }
        var command = try BacktestCommand.parse(argv)
        // Relative paths and series names are as they were: read from the run's directory.
        if let cwd = config["cwd"]?.string, !FileManager.default.changeCurrentDirectoryPath(cwd) {
            throw CommandError(message: "\(db): run \(run.id) was started in \(cwd), which is gone", code: ExitStatus.noInput)
        }
        command.db = db
        // A shard's part is in its run row, not its command line (shards share one config_json).
        command.shard = run.shard.flatMap { Shard(index: $0, count: run.shardCount) }
        return command
    }

    /// The arguments after `backtest`, without those that a resume may change and the shard
    /// (the run's shards share their configuration).
    static func recordedArguments() -> [String] {
        let arguments = CommandLine.arguments
        let after = arguments.firstIndex(of: "backtest").map { Array(arguments[($0 + 1)...]) } ?? []
        var kept: [String] = []
        var skipNext = false
        for argument in after {
            if skipNext { skipNext = false; continue }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if ["--jobs", "--format", "--db", "--per-series", "--shard"].contains(name) {
                skipNext = !argument.contains("=")
                continue
            }
            kept.append(argument)
        }
        return kept
    }

    /// Everything one series needs: its input, origins and model makers (networks made
    /// from `settings`).
    struct Plan {
        var input: Backtest.Input
        var backtest: Backtest
        var makers: [Backtest.Model]
        var settings: RecurrentConfiguration
    }

    /// The plan of one series; `statics` are its encoded static covariates (named `staticNames`).
    func plan(for frame: Frame, statics: [Double] = [], staticNames: [String] = []) throws -> Plan {
        let target = try resolveTarget(data.target, frame)
        let y = try frame.values(of: target)
        let covariates = try model.covariates.map { try frame.values(of: $0) }
        let future = try model.futureCovariates.map { try frame.values(of: $0) }
        let frequency = frame.frequencyReport.frequency ?? .index
        var base = model.configuration(frequency: frequency)
        base.staticCovariates = staticNames
        let h = base.horizon, m = base.season
        let originSet: Origins
        if let origins {
            originSet = Origins(count: origins, step: step ?? h, seriesLength: y.count, horizon: h, gap: gap)
        } else if let start {
            originSet = Origins(first: try firstOrigin(start, frame: frame), step: step ?? h, seriesLength: y.count,
                                horizon: h, gap: gap)
        } else {
            originSet = Origins.protocolRule(seriesLength: y.count, horizon: h, gap: gap)
        }
        guard let first = originSet.trainLengths.first, first >= 2 else {
            let rows = y.count == 1 ? "1 row is" : "\(y.count) rows are"
            // A series of a panel is named, with the line of its last row.
            let which = frame.series.map { name in
                "\(frame.source?.location(row: frame.rowCount - 1, column: nil) ?? data.sourceName): series \"\(name)\": "
            } ?? "\(data.sourceName): "
            throw CommandError(message: "\(which)\(rows) too few for these origins and a horizon of \(h)")
        }
        var settings = base
        settings.horizon = h + gap  // networks forecast the gap's steps, then they are dropped
        let conformal = model.conformalSettings(horizon: settings.horizon)
        let makers = models.map { kind in
            Backtest.Model(name: kind.rawValue) {
                // Conformal intervals calibrate on each origin's own training rows.
                conformal.map { c in ConformalForecaster(c) { kind.make(settings) } } ?? kind.make(settings)
            }
        }
        let input = Backtest.Input(name: frame.displayName, target: y, covariates: covariates, covariateNames: model.covariates,
                                   futureCovariates: future, futureCovariateNames: model.futureCovariates,
                                   staticCovariates: statics, staticCovariateNames: staticNames,
                                   timestamps: frame.timestamps, frequency: frequency)
        var backtest = Backtest(origins: originSet, horizon: h, season: m, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                gap: gap, window: window, refitEvery: refitEvery, refit: refitPlan(settings, global: false))
        backtest.masksMissing = model.missing == .mask
        return Plan(input: input, backtest: backtest, makers: makers, settings: settings)
    }

    /// `--refit` and `--warm-chain` for the backtester: a warm refit trains a quarter of the
    /// cold budget (at least one step). Without `--refit`: warm for global networks (measured
    /// 4.6x less CPU and a lower MASE on a 20-series panel), cold for one series (warm was
    /// 2.1x cheaper but 0.8% worse in geometric mean over the eight public series:
    /// BENCHMARKS.md).
    func refitPlan(_ settings: RecurrentConfiguration, global: Bool) -> Backtest.Refit {
        (refit ?? (global ? .warm : .cold)) == .warm ? .warm(chain: warmChain, steps: max(1, settings.maxSteps / 4)) : .cold
    }

    /// The training length of the first origin for `--start`: a fraction of the rows, or
    /// the first row at or after a date.
    func firstOrigin(_ text: String, frame: Frame) throws -> Int {
        if let fraction = Double(text), !text.contains("-") {
            guard fraction > 0, fraction < 1 else {
                throw CommandError(message: "--start: a fraction must be in (0, 1), got \(text)", code: ExitStatus.usage)
            }
            return Int((fraction * Double(frame.rowCount)).rounded(.down))
        }
        guard let timestamps = frame.timestamps else {
            throw CommandError(message: "--start \(text): the data has no time column; give a fraction", code: ExitStatus.usage)
        }
        guard let date = Timestamp.parse(text, allowEpoch: false)?.0 else {
            throw CommandError(message: "--start: not a date or a fraction: \(text)", code: ExitStatus.usage)
        }
        guard let row = timestamps.firstIndex(where: { $0 >= date }) else {
            throw CommandError(message: "--start \(text) is after the last row", code: ExitStatus.usage)
        }
        return row
    }

    /// Runs the backtest; `store` opens (or creates) the store only once the data are read
    /// and planned, so bad data or flags leave no new store behind. A shard (`--shard`) runs
    /// its part only, marks its run complete and prints what it recorded; the metrics are
    /// the merge's.
    /// `fitting` false (a merge's metrics): every origin must be recorded already; nothing is fitted.
    func execute(store openStore: () throws -> Store?, resuming: Store.RunRow?, fitting: Bool = true) throws {
        var resuming = resuming
        let (frames, plans, global) = try readPlans()
        let store = try openStore()
        let hash = BacktestCommand.fingerprint(plans.map(\.input))
        let config = configuration(plans, global: global, hash: hash)
        let uuid = shard.map { BacktestCommand.runUUID(config, shards: $0.count) }
        if resuming == nil, let store, let shard, let uuid {
            // The same shard started again (a job's retry or requeue): finished, it says so;
            // interrupted, it goes on where it stopped.
            if let earlier = try store.run(uuid: uuid) {
                guard earlier.shard == shard.index else {
                    throw CommandError(message: "\(db ?? ""): holds shard \(earlier.shard.map(String.init) ?? "-")/\(earlier.shardCount) of this run (run \(earlier.id)), not shard \(shard.index); each shard writes its own store",
                                       code: ExitStatus.usage)
                }
                if earlier.status == .complete {
                    print(try BacktestCommand.shardSummary(run: earlier.id, store: store, db: db ?? "", origins: earlier.originsDone,
                                                           format: format))
                    return
                }
                resuming = earlier
            }
        }
        var runID = resuming?.id
        if let resuming {
            let recorded = JSONValue.parse(resuming.configJSON)?["data_hash"]?.string
            guard recorded == hash else {
                throw CommandError(message: "\(data.sourceName): the data differ from those run \(resuming.id) started on; cannot resume")
            }
            try store?.reopenRun(resuming.id)
        } else if let store {
            let target = try frames.first.map { try resolveTarget(data.target, $0) } ?? ""
            runID = try store.beginRun(kind: .backtest, dataset: data.sourceName, target: target,
                                       configJSON: JSONValue.object(config).text, toolVersion: toolVersion,
                                       createdAt: Timestamp.nowUTC(), uuid: uuid, shard: shard?.index, shardCount: shard?.count)
        }
        let (running, panel) = work(plans, global: global, shard: shard)
        do {
            var report: [(series: String, results: [Backtest.Result])] = []
            let stored = try runID.map { try store!.origins(run: $0) } ?? []  // store is set when runID is
            // What an earlier part of this run recorded, read once and split by series.
            let storedSeries = Set(stored.map(\.series))
            let storedForecasts = stored.isEmpty ? [:] : Dictionary(grouping: try store!.forecasts(run: runID!), by: \.series)
            let storedQuantiles = stored.isEmpty ? [:] : Dictionary(grouping: try store!.quantiles(run: runID!), by: \.series)
            let storedOrigins = Dictionary(grouping: stored, by: \.series)
            /// Series `plan`'s outcomes recorded by an earlier part of this run.
            func recorded(_ plan: Plan) throws -> (done: Set<Int>, outcomes: [Int: [Metrics.Outcome]]) {
                guard storedSeries.contains(plan.input.name), let runID else { return ([], [:]) }
                let done = storedOrigins[plan.input.name] ?? []
                let outcomes = try BacktestCommand.outcomes(of: runID, origins: done, forecasts: storedForecasts[plan.input.name] ?? [],
                                                            quantiles: storedQuantiles[plan.input.name] ?? [], plan: plan)
                return (Set(done.map { $0.origin - 1 }), outcomes)
            }
            let total = panel?.shardKeys.count ?? running.reduce(0) { $0 + $1.backtest.shardOrigins.count }
            guard fitting || stored.count >= total else {
                throw CommandError(message: "run \(runID.map(String.init) ?? "-") holds \(stored.count) of the \(total) origins its plan has, though every shard is in")
            }
            let progress = ProgressBar.origins(total: total, done: stored.count)
            var written = 0
            func write(_ index: Int, _ perModel: [Metrics.Outcome], _ plan: Plan) throws {
                if let runID, let store { try BacktestCommand.record(index, perModel, plan: plan, run: runID, store: store) }
                progress?()
                written += 1
                if written == BacktestCommand.killAfterOrigins { kill(getpid(), SIGKILL) }
            }
            var recordedCount = stored.count
            if let panel {
                let settings = plans[0].settings
                let panelModels = zip(models, plans[0].makers).map { kind, maker -> PanelBacktest.Model in
                    guard kind.isNetwork else { return .perSeries(maker) }
                    return .global(name: kind.rawValue) { kind.makeNetwork(settings)! }  // a network kind
                }
                let earlier = try plans.map(recorded)
                let fresh = try panel.run(panelModels, skipping: earlier.map(\.done)) { key, perModel in
                    try write(key.origin, perModel, plans[key.series])
                }
                recordedCount += fresh.count
                let bySeries = Dictionary(grouping: fresh, by: \.key.series)
                for (s, plan) in plans.enumerated() {
                    var outcomes = earlier[s].outcomes
                    for (key, perModel) in bySeries[s] ?? [] { outcomes[key.origin] = perModel }
                    report.append((plan.input.name, Backtest.results(models: plan.makers.map(\.name), outcomes: outcomes,
                                                                     series: plan.input.target, season: plan.backtest.season)))
                }
            } else {
                for plan in running {
                    let earlier = try recorded(plan)
                    var outcomes = earlier.outcomes
                    let fresh = try plan.backtest.run(plan.makers, on: plan.input, skipping: earlier.done) { index, perModel in
                        try write(index, perModel, plan)
                    }
                    recordedCount += fresh.count
                    outcomes.merge(fresh) { a, _ in a }
                    report.append((plan.input.name, Backtest.results(models: plan.makers.map(\.name), outcomes: outcomes,
                                                                     series: plan.input.target, season: plan.backtest.season)))
                }
            }
            ProgressBar.finish()
            if let shard, let runID, let store {
                try store.completeShard(runID, shard: shard.index, origins: recordedCount, completedAt: Timestamp.nowUTC())
                print(try BacktestCommand.shardSummary(run: runID, store: store, db: db ?? "", origins: recordedCount, format: format))
                return
            }
            let tables = report.map { series, results in
                BacktestReport(series: series, origins: results.first?.outcomes.count ?? 0,
                               models: results.map { ($0.model, $0.metrics) })
            }
            let aggregate = tables.count > 1 ? BacktestReport(aggregating: tables) : nil
            if let runID, let store {
                try store.complete(runID, metrics: (tables + (aggregate.map { [$0] } ?? [])).flatMap { $0.metricRows() })
            }
            print(BacktestReport.render(tables, aggregate: aggregate, perSeries: perSeries, run: runID, format: format))
            for line in BacktestCommand.fitLines(report.flatMap(\.results), run: runID) { printNotice(line) }
        } catch {
            ProgressBar.finish()
            if let runID { try? store?.finishRun(runID, status: .failed) }
            throw error
        }
    }

    /// What the fits this process made chose, a line per model whose forecast was not its
    /// networks' alone at every fit (mixed with or replaced by its baseline, a window shortened):
    /// how many fits of each kind, for people (the store's `fits` table holds each).
    static func fitLines(_ results: [Backtest.Result], run: Int64?) -> [String] {
        var order: [String] = [], fits: [String: [FitSummary]] = [:]
        for result in results {
            let made = result.outcomes.compactMap(\.fit)
            if fits[result.model] == nil, !made.isEmpty { order.append(result.model) }
            fits[result.model, default: []] += made
        }
        return order.compactMap { model in
            let made = fits[model] ?? []
            var network = 0, mixed = 0, baseline = 0
            for fit in made {
                switch fit.source {
                case .network: network += 1
                case .mixed: mixed += 1
                case .baseline: baseline += 1
                }
            }
            let adapted = made.filter(\.adapted).count
            guard network < made.count || adapted > 0 else { return nil }
            var parts = ["\(model): of \(made.count) fits, \(network) forecast with the network alone, \(mixed) shrunk toward its baseline, \(baseline) with the baseline alone"]
            if adapted > 0 { parts.append("\(adapted) with a window shortened to a short history") }
            let table = run.map { "the store's fits table says why, run \($0)" } ?? "--db keeps why in its fits table"
            return parts.joined(separator: "; ") + " (\(table))"
        }
    }

    /// Reads the data and plans every series: the frames, a plan per series, and whether the
    /// networks fit globally.
    func readPlans() throws -> (frames: [Frame], plans: [Plan], global: Bool) {
        var options = data
        options.columns = nil
        let roles = model.roles
        var frames = try options.read(roles: roles)
        // Rows after a series' last observed target hold a forecast's known inputs, not history.
        if let first = frames.first {
            frames = try SeriesInputs.history(frames, target: try resolveTarget(data.target, first), roles: roles, source: data.sourceName)
        }
        // Static covariates are encoded over every series of the panel.
        var statics: [[Double]] = Array(repeating: [], count: frames.count), names: [String] = []
        if !roles.statics.isEmpty {
            let values = try SeriesInputs.staticValues(frames, roles: roles, data: data)
            let encoding = StaticEncoding(names: roles.statics, categorical: Set(roles.categorical), values: values)
            statics = try values.map { try encoding.encode($0) }
            names = encoding.featureNames
        }
        let plans = try zip(frames, statics).map { try plan(for: $0, statics: $1, staticNames: names) }
        return (frames, plans, try fitsGlobally(plans))
    }

    /// The work of `shard` (nil: the whole run): the series' backtests it runs, each taking its
    /// chains of refits, or the panel backtest of a global fit. A shard of per-series models
    /// takes whole series (by name); otherwise every series runs, each backtest (or the
    /// panel's) taking its shard's chains of refits.
    func work(_ plans: [Plan], global: Bool, shard: Shard?) -> (running: [Plan], panel: PanelBacktest?) {
        let seriesShard = global || plans.count == 1 ? Shard.whole : shard ?? .whole
        let chainShard = global || plans.count == 1 ? shard ?? .whole : .whole
        let running = plans.filter { seriesShard.owns(series: $0.input.name) }.map { plan in
            var plan = plan
            plan.backtest.shard = chainShard
            return plan
        }
        guard global else { return (running, nil) }
        return (running, PanelBacktest(series: plans.map { PanelBacktest.Series(input: $0.input, backtest: $0.backtest) },
                                       jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, refitEvery: refitEvery,
                                       refit: refitPlan(plans[0].settings, global: true), shard: chainShard))
    }

    /// The (series, origin) pairs `shard` records, origins numbered from 1 as the store numbers them.
    func plannedOrigins(_ plans: [Plan], global: Bool, shard: Shard?) -> Set<PlannedOrigin> {
        let (running, panel) = work(plans, global: global, shard: shard)
        if let panel {
            return Set(panel.shardKeys.map { PlannedOrigin(series: plans[$0.series].input.name, origin: $0.origin + 1) })
        }
        return Set(running.flatMap { plan in plan.backtest.shardOrigins.map { PlannedOrigin(series: plan.input.name, origin: $0 + 1) } })
    }

    /// A series' origin in a run's plan (numbered from 1).
    struct PlannedOrigin: Hashable {
        var series: String
        var origin: Int
    }

    /// A test hook (`FORECAST_KILL_AFTER_ORIGINS=N`): the process kills itself with SIGKILL
    /// right after it has recorded its N-th origin, as `kill -9` would at that moment, so the
    /// resume tests stop a run at a chosen origin without polling the store.
    static let killAfterOrigins = ProcessInfo.processInfo.environment["FORECAST_KILL_AFTER_ORIGINS"].flatMap { Int($0) }

    /// Whether the networks fit one model over every series: `--global`, or by default a
    /// long-format input of several series. It needs one grid and configuration for all.
    func fitsGlobally(_ plans: [Plan]) throws -> Bool {
        let networks = models.contains(where: \.isNetwork), isGlobal = (global ?? (plans.count > 1)) && networks
        // Asked again now that the data say whether the fit is global (static covariates need it).
        if networks, let refusal = RuleBook.refusal(model.choices(global: isGlobal, warmRefit: refit == .warm)) {
            throw CommandError(message: "\(data.sourceName): \(refusal)", code: ExitStatus.usage)
        }
        guard isGlobal else { return false }
        if let first = plans.first, let other = plans.first(where: { $0.input.frequency != first.input.frequency }) {
            throw CommandError(message: "\(data.sourceName): --global fits one network to series of one grid; \(first.input.name) is \(first.input.frequency.name), \(other.input.name) is \(other.input.frequency.name)",
                               code: ExitStatus.dataError)
        }
        return true
    }

    /// The run's `config_json`: the command line (without the flags a resume may change and
    /// the shard), its directory, and the plan.
    func configuration(_ plans: [Plan], global: Bool, hash: String) -> [(String, JSONValue)] {
        let first = plans.first
        var pairs: [(String, JSONValue)] = [
            ("argv", .array(BacktestCommand.recordedArguments().map(JSONValue.string))),
            ("cwd", .string(FileManager.default.currentDirectoryPath)),
            ("models", .array(models.map { .string($0.rawValue) })),
            ("horizon", .integer(first?.backtest.horizon ?? 0)), ("season", .integer(first?.backtest.season ?? 0)),
            ("origins", .array((first?.backtest.origins.trainLengths ?? []).map(JSONValue.integer))),
            ("gap", .integer(gap)), ("window", window.map(JSONValue.integer) ?? .null),
            ("refit_every", .integer(refitEvery)), ("refit", .string(refit?.rawValue ?? (global ? "warm" : "cold"))),
            ("warm_chain", .integer(warmChain)), ("global", .bool(global)), ("data_hash", .string(hash)),
        ]
        if models.contains(where: \.isNetwork) {
            pairs += [("hidden", .integer(model.hidden)), ("layers", .integer(model.layers)),
                      ("mode", .string(model.mode.rawValue)), ("loss", .string(model.loss.rawValue)),
                      ("optimizer", .string(model.optimizer.rawValue)),
                      ("normalization", .string(model.normalization.rawValue)), ("seed", .integer(Int(model.seed)))]
            // What a fit chooses, when not this version's default (a run with the defaults keeps
            // its configuration and UUID; tool_version says which defaults it ran with).
            if model.search != .standard { pairs.append(("search", .string(model.search.rawValue))) }
            if !model.shrink { pairs.append(("shrink", .bool(false))) }
            if model.transform != .standard { pairs.append(("transform", .string(model.transform.rawValue))) }
            if model.head != .point { pairs.append(("head", .string(model.head.name))) }
        }
        // The columns' roles (left out when there are none: earlier runs' configurations and UUIDs stay as they were).
        let roles = model.roles
        for (key, names) in [("covariates", roles.past), ("future_covariates", roles.future), ("static_covariates", roles.statics),
                             ("categorical", roles.categorical)] where !names.isEmpty {
            pairs.append((key, .array(names.map(JSONValue.string))))
        }
        if model.missing == .mask { pairs.append(("missing", .string("mask"))) }
        if !model.conformal.isEmpty {
            pairs += [("conformal", .array(model.conformal.map(JSONValue.number))),
                      ("conformal_windows", .integer(model.conformalWindows)), ("conformal_step", .integer(model.conformalStep))]
        }
        return pairs
    }

    /// FNV-1a over the series' names, values and times: a resumed run must see the same data.
    static func fingerprint(_ inputs: [Backtest.Input]) -> String {
        var hash = FNV1a()
        for input in inputs {
            for byte in input.name.utf8 { hash.combine(word: UInt64(byte)) }
            for value in input.target { hash.combine(word: value.bitPattern) }
            for column in input.covariates { for value in column { hash.combine(word: value.bitPattern) } }
            for column in input.futureCovariates { for value in column { hash.combine(word: value.bitPattern) } }
            for value in input.staticCovariates { hash.combine(word: value.bitPattern) }
            for stamp in input.timestamps ?? [] { hash.combine(word: UInt64(bitPattern: stamp.microseconds)) }
        }
        return String(hash.value, radix: 16)
    }
}

