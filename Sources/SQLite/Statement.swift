import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled SQL statement of one connection.
public final class Statement {
    /// The kind of value stored in a result column of the current row.
    public enum ValueType: Sendable {
        case integer, real, text, blob, null
    }

    let handle: OpaquePointer
    /// The connection is kept alive as long as any of its statements.
    public let connection: Connection
    /// The SQL text as given.
    public let sql: String

    /// Compiles `sql`, which must be exactly one statement: text after it other than white
    /// space and comments is an error (SQLite itself would silently ignore it).
    init(connection: Connection, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        var rest: OpaquePointer?
        var error: SQLiteError?
        sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            errno = 0
            let rc = sqlite3_prepare_v2(connection.handle, text, -1, &statement, &tail)
            guard rc == SQLITE_OK else {
                error = connection.error(rc, sql: sql)
                return
            }
            guard statement != nil else {
                error = SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement (only white space or comments)", sql: sql)
                return
            }
            guard let tail, tail.pointee != 0 else { return }
            let trailing = String(cString: tail)
            let rc2 = sqlite3_prepare_v2(connection.handle, tail, -1, &rest, nil)
            if rc2 != SQLITE_OK || rest != nil {
                let shown = trailing.trimmingPrefix(while: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
                error = SQLiteError(code: SQLITE_MISUSE,
                                    message: "one SQL statement only; after the first comes \"\(shown.prefix(40))\"", sql: sql)
            }
        }
        sqlite3_finalize(rest)
        if let error {
            sqlite3_finalize(statement)
            throw error
        }
        guard let statement else { throw SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement", sql: sql) }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// True when the statement does not write to the database (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// Advances to the next row; false when the statement is done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        errno = 0
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql: sql)
        }
    }

    /// Resets the statement so it can run again, and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds values to `?` parameters 1, 2, ... in order.
    public func bind(_ values: [Value]) throws(SQLiteError) {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32 = switch value {
            case .null: sqlite3_bind_null(handle, index)
            case .integer(let v): sqlite3_bind_int64(handle, index, v)
            case .real(let v): sqlite3_bind_double(handle, index, v)
            case .text(let v): sqlite3_bind_text(handle, index, v, -1, csqlite_transient())
            }
            guard rc == SQLITE_OK else {
                throw connection.error(rc, sql: sql)
            }
        }
    }

    /// Binds `values`, steps until done and resets: one call per inserted row.
    public func run(_ values: [Value]) throws(SQLiteError) {
        reset()
        try bind(values)
        while try step() {}
        reset()
    }

    /// The number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index`.
    public func columnName(at index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? "column\(index + 1)"
    }

    /// The storage class of result column `index` in the current row.
    public func type(at index: Int) -> ValueType {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    /// The integer value of result column `index` of the current row.
    public func int64(at index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }
    /// The real value of result column `index` of the current row.
    public func double(at index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    /// The UTF-8 bytes of a TEXT value, valid until the next step; empty for NULL.
    public func withTextBytes<R, E: Error>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let pointer = sqlite3_column_text(handle, Int32(index))
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return try body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }

    /// The value of result column `index`, as text when it is not NULL.
    public func text(at index: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return nil }
        return String(cString: pointer)
    }

    /// The value of result column `index` in the current row.
    public func value(at index: Int) -> Value {
        switch type(at: index) {
        case .integer: .integer(int64(at: index))
        case .real: .real(double(at: index))
        case .text, .blob: .text(text(at: index) ?? "")
        case .null: .null
        }
    }
}
