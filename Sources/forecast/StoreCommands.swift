import ArgumentParser
import Foundation
import Neural
import SQLite
import Storage

/// Opens a store for reading; a missing file is exit 66.
func openStore(_ path: String) throws -> Store {
    guard FileManager.default.fileExists(atPath: path) else {
        throw CommandError(message: "\(path): no such store", code: ExitStatus.noInput)
    }
    return try Store(readingFrom: path)
}

/// A store and one of its runs: `report` and `plot`.
struct RunOptions: ParsableArguments {
    @Option(help: "The SQLite store.")
    var db: String

    @Option(name: .customLong("run"), help: "The run id (see `forecast runs`).")
    var runID: Int64
}

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
        let runs = try openStore(db).runs()
        let header = ["id", "created_at", "kind", "status", "dataset", "target", "models", "origins"]
        let rows = runs.map { run -> [String] in
            let config = JSONValue.parse(run.configJSON)
            let models = config?["models"]?.array?.compactMap(\.string).joined(separator: ",")
                ?? config?["cell"]?.string ?? ""
            let planned = config?["origins"]?.array?.count
            let origins = run.kind == "backtest" ? "\(run.originsDone)/\(planned.map(String.init) ?? "?")" : ""
            return [String(run.id), run.createdAt, run.kind, run.status, run.dataset, run.target, models, origins]
        }
        print(renderRows(header: header, rows: rows, numeric: [0], format: format))
    }
}

/// `forecast report`: a stored backtest's per-horizon table.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a stored backtest's per-horizon table (as `backtest` printed it).")

    @OptionGroup var stored: RunOptions

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let (db, runID) = (stored.db, stored.runID)
        let store = try openStore(db)
        guard let row = try store.run(runID) else { throw CommandError(message: "\(db): no run \(runID)", code: ExitStatus.usage) }
        guard row.kind == "backtest" else {
            throw CommandError(message: "\(db): run \(runID) is a \(row.kind) run; query its forecasts with `forecast query`",
                               code: ExitStatus.usage)
        }
        guard row.status == "complete" else {
            throw CommandError(message: "\(db): run \(runID) is \(row.status) with \(row.originsDone) origins recorded; finish it with `forecast backtest --resume \(runID) --db \(db)`",
                               code: 1)
        }
        var origins: [String: Int] = [:]
        for origin in try store.origins(run: runID) { origins[origin.series, default: 0] += 1 }
        let reports = BacktestReport.fromStore(try store.metrics(run: runID), origins: origins)
        print(BacktestReport.render(reports, run: runID, format: format))
    }
}

/// `forecast query`: SQL over a store, on a read-only connection.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a SELECT over a store (opened read-only) and print the rows.",
        discussion: """
            Tables: runs, origins, forecasts, quantiles, metrics (README.md, "The store"). Example: \
            forecast query --db runs.db "SELECT model, step, value FROM metrics WHERE run_id = 1 AND metric = 'mase'"
            """)

    @Option(help: "The SQLite store.")
    var db: String

    @Argument(help: "One SQL statement that reads (SELECT, WITH, read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let store = try openStore(db)
        let statement: Statement
        do {
            statement = try store.connection.prepare(sql)
        } catch {
            throw CommandError(message: "query: \(error.message)")
        }
        guard statement.isReadOnly else {
            throw CommandError(message: "query: only statements that read are allowed (the store is opened read-only)")
        }
        let header = (0..<statement.columnCount).map(statement.columnName(at:))
        var rows: [[Value]] = []
        do {
            while try statement.step() { rows.append((0..<header.count).map(statement.value(at:))) }
        } catch {
            throw CommandError(message: "query: \(error.message)")
        }
        switch format {
        case .json:
            let objects = rows.map { row in
                JSONValue.object(zip(header, row).map { name, value in
                    switch value {
                    case .null: (name, .null)
                    case .integer(let v): (name, .number(Double(v)))
                    case .real(let v): (name, .finite(v))
                    case .text(let v): (name, .string(v))
                    }
                })
            }
            print(JSONValue.array(objects).rendered())
        case .csv, .table:
            let text = rows.map { $0.map { value -> String in
                switch value {
                case .null: ""
                case .integer(let v): String(v)
                case .real(let v): format == .csv ? "\(v)" : formatNumber(v)
                case .text(let v): v
                }
            } }
            let numeric = Set(header.indices.filter { i in
                rows.contains { if case .text = $0[i] { false } else { true } } && !rows.contains { if case .text = $0[i] { true } else { false } }
            })
            print(renderRows(header: header, rows: text, numeric: numeric, format: format))
        }
    }
}

/// Rows as a text table (numbers right-aligned), CSV or JSON (all values strings).
func renderRows(header: [String], rows: [[String]], numeric: Set<Int>, format: OutputFormat) -> String {
    switch format {
    case .table:
        return TextTable(header: header, rows: rows, rightAligned: numeric).rendered()
    case .csv:
        return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n")
    case .json:
        return JSONValue.array(rows.map { row in
            .object(zip(header, row).enumerated().map { i, pair in
                (pair.0, numeric.contains(i) ? Double(pair.1).map(JSONValue.number) ?? .string(pair.1) : .string(pair.1))
            })
        }).rendered()
    }
}
