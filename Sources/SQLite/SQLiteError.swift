import CSQLite

/// An error reported by SQLite, with its result code, message and the SQL that caused it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary or extended SQLite result code (`SQLITE_CANTOPEN`, ...).
    public let code: Int32
    /// SQLite's own message (`sqlite3_errmsg`).
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// An error with SQLite's result code, message and the SQL that caused it.
    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// True when the database file could not be opened (missing file or directory, no permission).
    public var isCannotOpen: Bool { code & 0xff == SQLITE_CANTOPEN }

    public var description: String {
        if let sql { return "\(message) (SQLite code \(code)) in: \(sql)" }
        return "\(message) (SQLite code \(code))"
    }
}
