import ArgumentParser
import Foundation
import Files
import Storage
import Support

/// `forecast merge`: the stores of a sharded backtest's shards folded into one run.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the stores of a sharded backtest (`backtest --shard I/N --db S_I.db`) into one run.",
        discussion: """
            Copies the shards' origins, forecasts and quantiles into --db (created when missing), one \
            transaction per store; a shard already there is not copied again, so merging twice adds \
            nothing. Every store must hold shards of the same run (the same command, data and shard \
            count: the run's UUID); a shard of another run is refused and --db left unchanged. Once all \
            N shards are in, the run's metrics are computed from the merged forecasts, as one process \
            computes them (the data are read again from the run's path and directory, and must hash as \
            the shards' did), the run becomes complete and its report is printed; until then it stays \
            running and `forecast runs` shows the shards missing. A merged store may itself be merged \
            (a tree of merges).
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
        let out = try Store(path: db)
        let target: Store.RunRow
        if let existing = try out.run(uuid: first.uuid) {
            guard existing.shard == nil else {
                throw CommandError(message: "\(db): holds shard \(existing.shard ?? 0)/\(existing.shardCount) of this run itself (run \(existing.id)); merge into another store",
                                   code: ExitStatus.usage)
            }
            try Merge.checkSameRun(existing, at: db, as: sources[0])
            target = existing
        } else {
            let id = try out.beginRun(kind: .backtest, dataset: first.dataset, target: first.target, configJSON: first.configJSON,
                                      toolVersion: first.toolVersion, createdAt: first.createdAt, uuid: first.uuid, shard: nil,
                                      shardCount: first.shardCount)
            target = try out.run(id).unwrapped("the run just begun")  // inserted by beginRun above
        }
        for source in sources {
            let added = try out.mergeShards(of: source.run, from: source.store, sourcePath: source.path, into: target.id)
            let shards = source.run.shardsDone.map(String.init).joined(separator: ",")
            let said = added.isEmpty ? "already in \(db)" : "merged into run \(target.id) of \(db)"
            FileHandle.standardError.write(Data("\(source.path): shard \(shards) of \(source.run.shardCount) \(said)\n".utf8))
        }
        let merged = try out.run(target.id).unwrapped("the merged run")  // target is a run of out
        if merged.status == .complete {
            print(try Report.rendered(merged, of: out, db: db, format: format, perSeries: perSeries))
        } else if merged.shardsMissing.isEmpty {
            // Every shard is in: the run's metrics as one process computes them, from the merged
            // forecasts (a resume with nothing left to run).
            do {
                var command = try BacktestCommand.stored(merged, db: db)
                command.format = format
                command.perSeries = perSeries
                try command.execute(store: { out }, resuming: merged, fitting: false)
            } catch {
                let (message, code) = ExitStatus.of(error)
                throw CommandError(message: "\(db): run \(merged.id) has all \(merged.shardCount) shards, but its metrics need the run's data again: \(message ?? "\(error)"); `forecast merge` finishes it once they can be read",
                                   code: code)
            }
        } else {
            let rows = [[String(merged.id), merged.uuid, String(merged.shardsDone.count), String(merged.shardCount),
                         merged.shardsMissing.map(String.init).joined(separator: " ")]]
            print(renderRows(header: ["run", "uuid", "shards_merged", "shards", "missing"], rows: rows, numeric: [0, 2, 3],
                             format: format))
        }
    }

    /// The stores to merge, each with the one run they share (its UUID in every store), each
    /// holding at least one finished shard of it.
    static func sources(_ paths: [String]) throws -> [Source] {
        let opened = try paths.map { path -> (String, Store, [Store.RunRow]) in
            let store = try Store(readingFrom: path)
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
