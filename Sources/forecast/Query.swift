import ArgumentParser
import Neural
import SQLite
import Storage

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
            // Numbers (and NULLs) only, in a column with rows: right-aligned.
            let numeric = Set(header.indices.filter { i in
                !rows.isEmpty && !rows.contains { if case .text = $0[i] { true } else { false } }
            })
            print(renderRows(header: header, rows: text, numeric: numeric, format: format))
        }
    }
}
