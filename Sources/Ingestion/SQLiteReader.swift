import SQLite
import TimeSeries
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a table or the result of a SELECT from a SQLite database, opened read-only.
///
/// INTEGER and REAL values are numbers (epoch seconds in the time column); TEXT values
/// are parsed like CSV fields (ISO-8601 timestamps, decimal numbers, missing markers);
/// NULL is a missing value. Errors name the database, the row and the column.
public struct SQLiteReader: Sendable {
    /// Which columns are read and how.
    public var selection: ColumnSelection
    /// Told, in a sentence naming the database, when it is read as immutable (read-only
    /// media, where the files of its WAL cannot be created: `Connection.isImmutable`).
    public var notice: (@Sendable (String) -> Void)?

    /// A reader of the columns `selection` names.
    public init(selection: ColumnSelection = ColumnSelection(), notice: (@Sendable (String) -> Void)? = nil) {
        self.selection = selection
        self.notice = notice
    }

    /// Every row of `table`, in rowid order.
    public func read(database: String, table: String) throws(IngestionError) -> [Frame] {
        let quoted = "\"" + String(table.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
        return try read(database: database, query: "SELECT * FROM \(quoted)", label: "\(database) (table \(table))",
                        table: table)
    }

    /// The rows of a read-only query.
    public func read(database: String, query: String) throws(IngestionError) -> [Frame] {
        try read(database: database, query: query, label: database, table: nil)
    }

    private func read(database: String, query: String, label: String, table: String?) throws(IngestionError) -> [Frame] {
        guard access(database, F_OK) == 0 else {
            throw .cannotOpen(file: database, reason: String(cString: strerror(errno)))
        }
        let connection: Connection
        let statement: Statement
        do {
            connection = try Connection(path: database, mode: .readOnly)
        } catch {
            throw .cannotOpen(file: database, reason: error.message)
        }
        if connection.isImmutable { notice?(Connection.immutableNotice(database)) }
        do {
            statement = try connection.prepare(query)
        } catch {
            if let table, error.message.hasPrefix("no such table") {
                let tables = (try? Self.tableNames(connection)) ?? []
                throw .database(file: database, message: "no table \"\(table)\"; the tables are: \(tables.joined(separator: ", "))")
            }
            throw .database(file: database, message: error.message)
        }
        guard statement.isReadOnly else {
            throw .database(file: database, message: "--sql must be a read-only query (SELECT ...)")
        }
        let header = (0..<statement.columnCount).map { statement.columnName(at: $0) }
        // Two result columns of one name (`SELECT a, a`, a join) would be read as one: refused,
        // as the CSV reader refuses a header that names a column twice.
        var seen = Set<String>()
        for (i, name) in header.enumerated() where !seen.insert(name).inserted {
            throw .duplicateColumn(location: "\(label): column \(i + 1)", name: name)
        }
        let builder = try FrameBuilder(file: label, unit: "row", header: header, selection: selection)
        var row = 0
        while true {
            let more: Bool
            do { more = try statement.step() } catch { throw .database(file: database, message: error.message) }
            guard more else { break }
            row += 1
            builder.beginRow(line: row)
            for column in 0..<header.count {
                switch statement.type(at: column) {
                case .integer: try builder.number(column, Double(statement.int64(at: column)))
                case .real: try builder.number(column, statement.double(at: column))
                case .null: try builder.null(column)
                case .text, .blob:
                    try statement.withTextBytes(at: column) { (bytes) throws(IngestionError) in
                        try builder.field(column, bytes)
                    }
                }
            }
            try builder.endRow(fieldCount: header.count)
        }
        return try builder.finish()
    }

    static func tableNames(_ connection: Connection) throws -> [String] {
        let statement = try connection.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name")
        var names: [String] = []
        while try statement.step() { names.append(statement.text(at: 0) ?? "") }
        return names
    }
}
