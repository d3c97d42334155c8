import ArgumentParser
import Neural
import Storage
import Support

/// `forecast runs`: the runs in a store.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs in a store: id, time, kind, status, data, models and origins recorded.",
        discussion: "A backtest killed mid-run stays `running` with fewer origins than planned; finish it with `forecast backtest --resume ID --db DB`.")

    @Option(help: "The SQLite store.")
    var db: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let runs = try Store(readingFrom: db).runs()
        let header = ["id", "created_at", "kind", "status", "dataset", "target", "models", "origins"]
        let rows = runs.map { run -> [String] in
            let config = JSONValue.parse(run.configJSON)
            let models = config?["models"]?.array?.compactMap(\.string).joined(separator: ",")
                ?? config?["cell"]?.string ?? ""
            let planned = config?["origins"]?.array?.count
            let origins = run.kind == .backtest ? "\(run.originsDone)/\(planned.map(String.init) ?? "?")" : ""
            return [String(run.id), run.createdAt, run.kind.rawValue, run.status.rawValue, run.dataset, run.target, models, origins]
        }
        print(renderRows(header: header, rows: rows, numeric: [0], format: format))
    }
}
