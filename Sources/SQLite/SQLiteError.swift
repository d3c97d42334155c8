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
        self.systemReason = nil
    }

    /// The system's reason (`strerror` of `sqlite3_system_errno`) behind an I/O failure, when there was one.
    public let systemReason: String?

    /// An error with SQLite's result code, message, the SQL that caused it and the system's reason.
    public init(code: Int32, message: String, sql: String? = nil, systemReason: String?) {
        self.code = code
        self.message = message
        self.sql = sql
        self.systemReason = systemReason
    }

    /// True when the database file could not be opened (missing file or directory, no permission).
    public var isCannotOpen: Bool { code & 0xff == SQLITE_CANTOPEN }

    /// True when the file is not a SQLite database or is damaged (`SQLITE_NOTADB`, `SQLITE_CORRUPT`).
    public var isNotADatabase: Bool { [SQLITE_NOTADB, SQLITE_CORRUPT].contains(code & 0xff) }

    /// True when writing the file failed: read-only, full, an I/O error, a journal that
    /// cannot be created, no permission.
    public var isWriteFailure: Bool {
        [SQLITE_READONLY, SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PERM].contains(code & 0xff)
    }

    /// True when the statement was interrupted (`Connection.interrupt(after:)`).
    public var isInterrupted: Bool { code & 0xff == SQLITE_INTERRUPT }

    /// True when the file stayed locked by another connection past the busy timeout.
    public var isBusy: Bool { [SQLITE_BUSY, SQLITE_LOCKED].contains(code & 0xff) }

    /// SQLite's message with the system's reason, without the SQL: "disk I/O error (No space left on device)".
    public var reason: String {
        guard let systemReason, !message.contains(systemReason) else { return message }
        return "\(message) (\(systemReason))"
    }

    public var description: String {
        if let sql { return "\(message) (SQLite code \(code)) in: \(sql)" }
        return "\(message) (SQLite code \(code))"
    }
}
