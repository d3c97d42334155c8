import ArgumentParser
import Neural
import Storage
import Support

/// `forecast runs`: the runs in a store.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs in a store: id, time, kind, status, data, models and origins recorded.",
        discussion: """
            A backtest killed mid-run stays `running` with fewer origins than planned; finish it with \
            `forecast backtest --resume ID --db DB`. Column shards: a shard's own store shows `I/N`; a \
            merged store the shards merged so far of N and, while any is missing, which (`forecast merge` \
            adds them; `backtest --resume` runs their work in one process).
            """)

    @Option(help: "The SQLite store.")
    var db: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let runs = try Store.reading(db).runs()
        let header = ["id", "created_at", "kind", "status", "dataset", "target", "models", "origins", "shards", "uuid"]
        let rows = runs.map { run -> [String] in
            let config = JSONValue.parse(run.configJSON)
            let models = config?["models"]?.array?.compactMap(\.string).joined(separator: ",")
                ?? config?["cell"]?.string ?? ""
            let planned = config?["origins"]?.array?.count
            let origins = run.kind == .backtest ? "\(run.originsDone)/\(planned.map(String.init) ?? "?")" : ""
            return [String(run.id), run.createdAt, run.kind.rawValue, run.status.rawValue, run.dataset, run.target, models, origins,
                    Runs.shards(run), run.uuid]
        }
        print(renderRows(header: header, rows: rows, numeric: [0], format: format))
    }

    /// The shards column: "" for a run not sharded, `shard I/N` for a shard's own store, the
    /// shards merged of N for a merge (with the missing ones while it is running).
    static func shards(_ run: Store.RunRow) -> String {
        guard run.isSharded else { return "" }
        if let shard = run.shard { return "shard \(shard)/\(run.shardCount)" }
        let missing = run.shardsMissing
        guard run.status != .complete, !missing.isEmpty else { return "\(run.shardsDone.count)/\(run.shardCount)" }
        let listed = missing.prefix(10).map(String.init).joined(separator: ",") + (missing.count > 10 ? ",..." : "")
        return "\(run.shardsDone.count)/\(run.shardCount) (missing \(listed))"
    }
}
