import ArgumentParser
import Backtesting
import Foundation
import Files
import Storage
import Support

/// `forecast merge`: the stores of a sharded backtest's shards folded into one run.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the stores of a sharded backtest (`backtest --shard I/N --db S_I.db`) into one run.",
        discussion: """
            The stores given must hold finished shards of one run (the same command, data and shard \
            count: the run's UUID); stores of different runs are refused. Before anything is created \
            or copied, every shard is checked against the run's plan (its origins, and every model's \
            forecasts of steps 1...H and quantiles at each), which reads the run's data again from \
            the run's path and directory (they must hash as the shards' did); a refused shard leaves \
            --db exactly as it was. Then the shards' origins, forecasts and quantiles are copied into \
            the run's merge in --db (created when missing; a store holds many runs, so --db may hold \
            others, and merging adds this run beside them or continues its merge), one transaction \
            per store; a shard already there is not copied again, so merging twice adds nothing, and \
            merges into one --db at once all succeed. Once all N shards are in, the run's metrics are \
            computed from the merged forecasts as one process computes them, the run becomes complete \
            and its report is printed; until then it stays running and `forecast runs` shows the \
            shards missing. A merged store may itself be merged (a tree of merges).
            """)

    @Option(help: "The SQLite store to merge into (created when missing).")
    var db: String

    @Argument(help: "The shards' stores.")
    var stores: [String]

    @Option(help: "Output format of the report: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "For a panel, the series listed under the table: \(BacktestReport.PerSeries.help).")
    var perSeries: BacktestReport.PerSeries = .worst(10)

    func validate() throws {
        if stores.isEmpty { throw ValidationError("merge needs at least one shard's store after --db.") }
    }

    /// A store to merge and its run.
    struct Source {
        var path: String
        var store: Store
        var run: Store.RunRow
    }

    func run() throws {
        let sources = try Merge.sources(stores)
        // The merged run's row (its creation time, directory) is that of the lowest shard, whatever the order given.
        let first = sources.min { ($0.run.shardsDone.first ?? .max) < ($1.run.shardsDone.first ?? .max) }?.run ?? sources[0].run
        // The output must not be one of the shards: merging a store into itself copies nothing.
        for source in sources where FileKind.sameFile(source.path, db) {
            throw CommandError(message: "\(db): is the shard's store \(source.path) itself; merge into another store",
                               code: ExitStatus.usage)
        }
        // Checked before anything is created or copied: OUT can hold a run (a store holds many),
        // and every shard's origins, steps and quantiles are those of the run's plan, so a
        // refused shard leaves OUT exactly as it was.
        let deferred = try Store.Deferred(path: db)
        if let existing = try deferred.existing?.run(uuid: first.uuid) {
            try Merge.checkTarget(existing, at: db, as: sources[0])
        }
        let db = Merge.absolute(self.db)  // the run's command reads its data from the run's directory
        var command: BacktestCommand
        let planned: (plans: [BacktestCommand.Plan], global: Bool)
        do {
            command = try BacktestCommand.stored(first, db: db)
            command.shard = nil  // the merge is the whole run
            let (_, plans, global) = try command.readPlans()
            let hash = BacktestCommand.fingerprint(plans.map(\.input))
            guard JSONValue.parse(first.configJSON)?["data_hash"]?.string == hash else {
                throw CommandError(message: "\(command.data.sourceName): the data differ from those the shards ran on (hash \(hash))")
            }
            planned = (plans, global)
        } catch {
            let (message, code) = ExitStatus.of(error)
            throw CommandError(message: "\(sources[0].path): cannot check the shards against their run's plan, which needs the run's data again: \(message ?? "\(error)")",
                               code: code)
        }
        for source in sources { try Merge.check(source, command: command, plans: planned.plans, global: planned.global) }

        let out = try deferred.open()
        let (target, _) = try out.run(uuid: first.uuid, orBegin: Store.NewRun(
            kind: .backtest, dataset: first.dataset, target: first.target, configJSON: first.configJSON,
            toolVersion: first.toolVersion, createdAt: first.createdAt, uuid: first.uuid, shard: nil, shardCount: first.shardCount))
        try Merge.checkTarget(target, at: db, as: sources[0])  // another process may have begun it since
        for source in sources {
            let added = try out.mergeShards(of: source.run, from: source.store, sourcePath: source.path, into: target.id)
            let shards = source.run.shardsDone.map(String.init).joined(separator: ",")
            let said = added.isEmpty ? "already in \(self.db)" : "merged into run \(target.id) of \(self.db)"
            FileHandle.standardError.write(Data("\(terminalSafe(source.path)): shard \(shards) of \(source.run.shardCount) \(said)\n".utf8))
        }
        let merged = try out.run(target.id).unwrapped("the merged run")  // target is a run of out
        if merged.status == .complete {
            print(try Report.rendered(merged, of: out, db: self.db, format: format, perSeries: perSeries))
        } else if merged.shardsMissing.isEmpty {
            // Every shard is in: the run's metrics as one process computes them, from the merged
            // forecasts (a resume with nothing left to run).
            do {
                command.db = db
                command.format = format
                command.perSeries = perSeries
                try command.execute(store: { out }, resuming: merged, fitting: false)
            } catch {
                let (message, code) = ExitStatus.of(error)
                throw CommandError(message: "\(self.db): run \(merged.id) has all \(merged.shardCount) shards, but its metrics need the run's data again: \(message ?? "\(error)"); `forecast merge` finishes it once they can be read",
                                   code: code)
            }
        } else {
            let rows = [[String(merged.id), merged.uuid, String(merged.shardsDone.count), String(merged.shardCount),
                         merged.shardsMissing.map(String.init).joined(separator: " ")]]
            print(renderRows(header: ["run", "uuid", "shards_merged", "shards", "missing"], rows: rows, numeric: [0, 2, 3],
                             format: format))
        }
    }

    /// `path` from the directory this process started in (a relative path would move with
    /// the run's directory, which the run's command changes to).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Refuses a run of OUT with the shards' UUID unless it is their merge: not a shard's own
    /// run, the same configuration and shard count.
    static func checkTarget(_ existing: Store.RunRow, at db: String, as source: Source) throws {
        guard existing.shard == nil else {
            throw CommandError(message: "\(db): holds shard \(existing.shard ?? 0)/\(existing.shardCount) of this run itself (run \(existing.id)); merge into another store",
                               code: ExitStatus.usage)
        }
        try checkSameRun(existing, at: db, as: source)
    }

    /// Refuses a shard's store unless it holds what the run's plan gives its shards: exactly
    /// their origins, each with every model's forecasts of steps 1...H and well-formed
    /// quantiles (`BacktestCommand.outcomes`). Run before anything is copied.
    static func check(_ source: Source, command: BacktestCommand, plans: [BacktestCommand.Plan], global: Bool) throws {
        let run = source.run
        var expected = Set<BacktestCommand.PlannedOrigin>()
        for index in run.shardsDone {
            expected.formUnion(command.plannedOrigins(plans, global: global, shard: Shard(index: index, count: run.shardCount)))
        }
        let origins = try source.store.origins(run: run.id)
        let held = Set(origins.map { BacktestCommand.PlannedOrigin(series: $0.series, origin: $0.origin) })
        let shards = "shard\(run.shardsDone.count == 1 ? "" : "s") \(run.shardsDone.map(String.init).joined(separator: ",")) of \(run.shardCount)"
        guard held == expected, held.count == origins.count else {
            let missing = expected.subtracting(held).sorted { ($0.series, $0.origin) < ($1.series, $1.origin) }
            let extra = held.subtracting(expected).sorted { ($0.series, $0.origin) < ($1.series, $1.origin) }
            let example = (missing.first.map { "lacks series \"\($0.series)\" origin \($0.origin)" }
                           ?? extra.first.map { "holds series \"\($0.series)\" origin \($0.origin), which is not its" })
                ?? "holds an origin twice"
            throw CommandError(message: "\(source.path): \(shards) holds \(origins.count) origins where the run's plan gives it \(expected.count) (it \(example)); nothing was merged")
        }
        let forecasts = Dictionary(grouping: try source.store.forecasts(run: run.id), by: \.series)
        let quantiles = Dictionary(grouping: try source.store.quantiles(run: run.id), by: \.series)
        let bySeries = Dictionary(grouping: origins, by: \.series)
        for plan in plans {
            guard let rows = bySeries[plan.input.name] else { continue }
            do {
                _ = try BacktestCommand.outcomes(of: run.id, origins: rows, forecasts: forecasts[plan.input.name] ?? [],
                                                 quantiles: quantiles[plan.input.name] ?? [], plan: plan)
            } catch let error as CommandError {
                throw CommandError(message: "\(source.path): \(shards): \(error.message); nothing was merged", code: error.code)
            }
        }
    }

    /// The stores to merge, each with the one run they share (its UUID in every store), each
    /// holding at least one finished shard of it.
    static func sources(_ paths: [String]) throws -> [Source] {
        let opened = try paths.map { path -> (String, Store, [Store.RunRow]) in
            let store = try Store.reading(path)
            let runs = try store.runs().filter { $0.kind == .backtest && $0.isSharded }
            guard !runs.isEmpty else {
                throw CommandError(message: "\(path): holds no shard of a sharded backtest (`forecast backtest ... --shard I/N --db \(path)` writes one)")
            }
            return (path, store, runs)
        }
        let common = opened.dropFirst().reduce(Set(opened[0].2.map(\.uuid))) { $0.intersection($1.2.map(\.uuid)) }
        guard common.count == 1, let uuid = common.first else {
            if common.count > 1 {
                throw CommandError(message: "\(paths[0]): the stores hold shards of \(common.count) runs (uuids \(common.sorted().joined(separator: ", "))); merge one run's stores at a time",
                                   code: ExitStatus.usage)
            }
            // Name the first store that holds another run, and how its run differs.
            let reference = opened[0].2[0]
            let other = opened.first { !$0.2.contains { $0.uuid == reference.uuid } } ?? opened[0]
            throw CommandError(message: "\(other.0): shard of another run than \(paths[0])'s (uuid \(other.2[0].uuid), not \(reference.uuid)): \(difference(other.2[0], reference))")
        }
        return try opened.map { path, store, runs in
            let run = runs.first { $0.uuid == uuid }.unwrapped("a run of the common uuid")  // uuid is in every store's runs
            guard !run.shardsDone.isEmpty else {
                throw CommandError(message: "\(path): shard \(run.shard.map(String.init) ?? "?")/\(run.shardCount) of run \(uuid) is \(run.status) with \(run.originsDone) origins recorded; finish it with `forecast backtest --resume \(run.id) --db \(path)`")
            }
            return Source(path: path, store: store, run: run)
        }
    }

    /// Refuses `existing` (in the output store) unless it is the run of `source`: the same
    /// configuration, data and shard count.
    static func checkSameRun(_ existing: Store.RunRow, at db: String, as source: Source) throws {
        let differs = difference(existing, source.run)
        guard differs.isEmpty, existing.shardCount == source.run.shardCount else {
            throw CommandError(message: "\(db): run \(existing.id) has the uuid \(existing.uuid) of \(source.path)'s run but not its configuration: \(differs)")
        }
    }

    /// How two runs' configurations differ, in words ("" when they do not): the keys of
    /// `config_json` whose values differ (the directory aside), and the shard counts.
    static func difference(_ a: Store.RunRow, _ b: Store.RunRow) -> String {
        var parts: [String] = []
        if a.shardCount != b.shardCount { parts.append("\(a.shardCount) shards, not \(b.shardCount)") }
        let x = JSONValue.parse(a.configJSON)?.objectPairs ?? [], y = JSONValue.parse(b.configJSON)?.objectPairs ?? []
        let keys = (x.map(\.0) + y.map(\.0)).reduce(into: [String]()) { if !$0.contains($1) && $1 != "cwd" { $0.append($1) } }
        for key in keys {
            let u = x.first { $0.0 == key }?.1, v = y.first { $0.0 == key }?.1
            if u?.text != v?.text {
                parts.append(key == "data_hash" ? "other data (hash \(u?.string ?? "none"), not \(v?.string ?? "none"))"
                             : "\(key) \(u?.text ?? "missing"), not \(v?.text ?? "missing")")
            }
        }
        // The command line differs whenever a flag does: named alone only when nothing else tells.
        let flags = parts.filter { !$0.hasPrefix("argv ") }
        return (flags.isEmpty ? parts : flags).joined(separator: "; ")
    }
}

private extension Optional {
    /// The value, or a trap naming the invariant that promised it.
    func unwrapped(_ what: @autoclosure () -> String) -> Wrapped {
        guard let self else { preconditionFailure("merge: missing \(what())") }
        return self
    }
}
