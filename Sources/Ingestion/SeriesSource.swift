import TimeSeries

/// Where series are read from: a CSV file, a SQLite table or query, or any other format. The
/// command line picks one from its flags and reads it with the columns its flags select; a new
/// input format is one type conforming to this protocol (and the flag that picks it).
public protocol SeriesSource: Sendable {
    /// The source's name in messages and reports (`prices.csv`, `runs.db`).
    var name: String { get }
    /// The frames of the columns `selection` names, one per series.
    func read(_ selection: ColumnSelection, notice: (@Sendable (String) -> Void)?) throws(IngestionError) -> [Frame]
}

/// A CSV file (RFC 4180; `CSVReader`).
public struct CSVSource: SeriesSource {
    public var path: String
    /// The field separator; nil: the one the header line uses.
    public var delimiter: UInt8?

    public init(path: String, delimiter: UInt8? = nil) {
        self.path = path
        self.delimiter = delimiter
    }

    public var name: String { path }

    public func read(_ selection: ColumnSelection, notice: (@Sendable (String) -> Void)? = nil) throws(IngestionError) -> [Frame] {
        try CSVReader(delimiter: delimiter, selection: selection).read(path: path)
    }
}

/// A table or a read-only SELECT of a SQLite database (`SQLiteReader`).
public struct SQLiteSource: SeriesSource {
    public enum Rows: Sendable {
        case table(String)
        case query(String)
    }

    public var database: String
    public var rows: Rows

    public init(database: String, rows: Rows) {
        self.database = database
        self.rows = rows
    }

    public var name: String { database }

    public func read(_ selection: ColumnSelection, notice: (@Sendable (String) -> Void)? = nil) throws(IngestionError) -> [Frame] {
        let reader = SQLiteReader(selection: selection, notice: notice)
        switch rows {
        case .table(let table): return try reader.read(database: database, table: table)
        case .query(let query): return try reader.read(database: database, query: query)
        }
    }
}
