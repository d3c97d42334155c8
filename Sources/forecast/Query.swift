import ArgumentParser
import Neural
import SQLite
import Storage
import Support

/// `forecast query`: SQL over a store, on a read-only connection.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a SELECT over a store (opened read-only) and print the rows.",
        discussion: """
            Tables: runs, origins, forecasts, quantiles, metrics (README.md, "The store"). Example: \
            forecast query --db runs.db "SELECT model, step, value FROM metrics WHERE run_id = 1 AND metric = 'mase'". \
            Rows are printed as they are read, so results of any size take little memory (a table's \
            column widths come from its first \(Query.widthRows) rows).
            """)

    /// Rows a table's column widths are measured on before the rest is streamed.
    static let widthRows = 1000

    @Option(help: "The SQLite store.")
    var db: String

    @Argument(help: "Exactly one SQL statement that reads (SELECT, WITH, read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Print at most N rows (0 or more).")
    var limit: Int?

    @Option(help: "Interrupt the statement after SECONDS (0.001 to 1000000) with exit 1.")
    var timeout: Double?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, got \(limit).") }
        if let timeout, !(timeout.isFinite && timeout >= 0.001 && timeout <= 1_000_000) {
            throw ValidationError("--timeout must be in 0.001...1000000 seconds, got \(timeout).")
        }
    }

    func run() throws {
        let store = try Store.reading(db)
        let statement: Statement
        do {
            statement = try store.connection.prepare(sql)
        } catch {
            throw CommandError(message: "query: \(error.message)")
        }
        guard statement.isReadOnly else {
            throw CommandError(message: "query: only statements that read are allowed (the store is opened read-only)")
        }
        store.connection.interrupt(after: timeout)
        let header = (0..<statement.columnCount).map(statement.columnName(at:))
        var printer = RowPrinter(header: header, format: format)
        var count = 0
        do {
            while count < (limit ?? .max), try statement.step() {
                printer.add((0..<header.count).map(statement.value(at:)))
                count += 1
            }
        } catch let error where error.isInterrupted {
            throw CommandError(message: "query: interrupted after --timeout \(formatNumber(timeout ?? 0)) seconds (\(count) rows printed)",
                               code: 1)
        } catch {
            throw CommandError(message: "query: \(error.message)")
        }
        printer.finish()
    }
}

/// Prints query rows as they come: CSV and JSON at once; a table once its first
/// `Query.widthRows` rows have set the column widths (a result that short is printed
/// exactly as `TextTable` renders it).
struct RowPrinter {
    let header: [String]
    let format: OutputFormat
    private var pending: [[Value]] = []
    private var widths: [Int]?
    private var rightAligned: Set<Int> = []
    private var printed = 0

    init(header: [String], format: OutputFormat) {
        self.format = format
        if format == .csv { print(header.map(csvField).joined(separator: ",")) }
        self.header = format == .table ? header.map(terminalSafe) : header
    }

    mutating func add(_ row: [Value]) {
        switch format {
        case .csv:
            print(row.map { csvField(Self.text($0, format: .csv)) }.joined(separator: ","))
        case .json:
            let object = JSONValue.object(zip(header, row).map { name, value in
                switch value {
                case .null: (name, .null)
                case .integer(let v): (name, .number(Double(v)))
                case .real(let v): (name, .finite(v))
                case .text(let v): (name, .string(v))
                }
            })
            // The bytes of `JSONValue.array(rows).rendered()`, one element at a time.
            let text = object.rendered().split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            print(printed == 0 ? "[\n  " + text : ",\n  " + text, terminator: "")
        case .table:
            if widths == nil {
                pending.append(row)
                if pending.count == Query.widthRows { flushTable() }
            } else {
                print(line(row.map { Self.text($0, format: .table) }))
            }
        }
        printed += 1
    }

    mutating func finish() {
        switch format {
        case .csv: break
        case .json: print(printed == 0 ? "[]" : "\n]")
        case .table: if widths == nil { flushTable() }
        }
    }

    /// Sets the widths and alignment from the header and the rows so far, and prints them.
    private mutating func flushTable() {
        let cells = pending.map { $0.map { Self.text($0, format: .table) } }
        // Numbers (and NULLs) only, in a column with rows: right-aligned.
        rightAligned = Set(header.indices.filter { i in
            !pending.isEmpty && !pending.contains { if case .text = $0[i] { true } else { false } }
        })
        var widths = header.map(\.count)
        for row in cells {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        self.widths = widths
        print(([header] + cells).map(line).joined(separator: "\n"))
        pending = []
    }

    /// One table line: cells padded to the widths (longer ones overflow), no trailing blanks.
    private func line(_ cells: [String]) -> String {
        let widths = widths ?? []
        var text = cells.enumerated().map { i, cell in
            let fill = String(repeating: " ", count: max(0, widths[i] - cell.count))
            return rightAligned.contains(i) ? fill + cell : cell + fill
        }.joined(separator: "  ")
        while text.last == " " { text.removeLast() }
        return text
    }

    private static func text(_ value: Value, format: OutputFormat) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): format == .csv ? "\(v)" : formatNumber(v)
        case .text(let v): format == .csv ? v : terminalSafe(v)  // CSV quotes it; a table shows its controls escaped
        }
    }
}
