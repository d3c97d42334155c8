import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open SQLite database connection; closed when the value is released.
public final class Connection {
    /// How the database file is opened.
    public enum Mode: Sendable {
        /// Read-only: the file must exist and is never written.
        case readOnly
        /// Read-write, creating the file when it is missing.
        case readWriteCreate
    }

    /// The raw handle, for the few calls this wrapper does not cover.
    public let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String

    /// Whether a read-only connection reads the file as immutable: it lies where SQLite cannot
    /// create the files a WAL-mode database needs beside it (read-only media: a snapshot, a
    /// cluster volume mounted read-only, a CD), so it is read as it is, without locks, on the
    /// promise that nothing changes it while it is open (SQLite's `immutable=1`).
    public private(set) var isImmutable = false

    /// Opens `path` (`":memory:"` for an in-memory database). Read-only, a database that
    /// cannot be read for want of write access (a WAL-mode file on read-only media) is opened
    /// again as immutable (`isImmutable`): reading never needs write access.
    public init(path: String, mode: Mode = .readWriteCreate) throws(SQLiteError) {
        let flags: Int32 = switch mode {
        case .readOnly: SQLITE_OPEN_READONLY
        case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var db = try Connection.open(path, name: path, flags: flags)
        if mode == .readOnly, let failure = Connection.firstRead(db), [SQLITE_CANTOPEN, SQLITE_READONLY].contains(failure & 0xff) {
            sqlite3_close_v2(db)
            db = try Connection.open(Connection.immutableURI(path), name: path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI)
            isImmutable = true
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // A reader waits for a writer's transaction instead of failing at once.
        sqlite3_busy_timeout(db, 10_000)
    }

    private static func open(_ filename: String, name path: String, flags: Int32) throws(SQLiteError) -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(filename, &db, flags | SQLITE_OPEN_FULLMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let system = db.map { sqlite3_system_errno($0) } ?? 0
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "cannot open \(path): \(message)", sql: nil,
                              systemReason: system == 0 ? nil : String(cString: strerror(system)))
        }
        return db
    }

    /// The result code of the first read of a newly opened database (its schema, which a
    /// WAL-mode file reads through the `-shm` file it must create), nil when it succeeds.
    private static func firstRead(_ db: OpaquePointer) -> Int32? {
        sqlite3_extended_result_codes(db, 1)
        let rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
        return rc == SQLITE_OK ? nil : rc
    }

    /// The sentence a reader of `path` is told when it is read as immutable.
    public static func immutableNotice(_ path: String) -> String {
        "\(path): cannot create the files of its write-ahead log beside it (read-only media?); reading it as immutable, as it is now"
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as RFC 3986 asks of a URI's path
    /// (a name holding `?`, `#` or `%` stays that name).
    static func immutableURI(_ path: String) -> String {
        var out = "file:"
        for byte in path.utf8 {
            let keep = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || [UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~")].contains(byte)
            if keep {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out + "?immutable=1"
    }

    deinit {
        sqlite3_close_v2(handle)
        deadline.deallocate()
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errmsg: UnsafeMutablePointer<CChar>?
        errno = 0
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errmsg)
            throw error(rc, message: message, sql: sql)
        }
    }

    /// Compiles one statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE ... COMMIT`, rolling back when it throws.
    /// Inside a transaction already, `body` runs in a savepoint of it (rolled back to it when
    /// `body` throws), so transactions nest.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 {
            try execute("SAVEPOINT nested")
            do {
                let result = try body()
                try execute("RELEASE nested")
                return result
            } catch {
                try? execute("ROLLBACK TO nested; RELEASE nested")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA user_version`: the schema version this project stores in the file.
    public var userVersion: Int {
        get throws(SQLiteError) {
            let statement = try prepare("PRAGMA user_version")
            guard try statement.step() else { return 0 }
            return Int(statement.int64(at: 0))
        }
    }

    /// True when the file is open read-only (a read-only connection, or a file SQLite could
    /// only open for reading).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Interrupts any statement still running `seconds` after this call (SQLite code
    /// `SQLITE_INTERRUPT`), through a progress handler; nil removes the limit.
    public func interrupt(after seconds: Double?) {
        guard let seconds else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            return
        }
        deadline.pointee = Connection.monotonicNanoseconds() &+ UInt64(max(0, min(seconds, 1e9)) * 1e9)
        sqlite3_progress_handler(handle, 1000, { context in
            guard let context else { return 0 }
            return Connection.monotonicNanoseconds() > context.load(as: UInt64.self) ? 1 : 0
        }, UnsafeMutableRawPointer(deadline))
    }

    /// The deadline `interrupt(after:)` set, in monotonic nanoseconds (read by the progress handler).
    private let deadline: UnsafeMutablePointer<UInt64> = {
        let pointer = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        pointer.initialize(to: .max)
        return pointer
    }()

    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The error for result code `rc` of the last call: SQLite's message (or `message`), the
    /// SQL, and the system's reason when the failure was an I/O one.
    /// Callers clear `errno` before the SQLite call that failed: when SQLite kept no error
    /// number of its own (`sqlite3_system_errno` is 0 for a failed write inside a statement),
    /// the `errno` the failed system call left is the reason (EFBIG, ENOSPC, EROFS, ...).
    func error(_ rc: Int32, message: String? = nil, sql: String?) -> SQLiteError {
        let lastErrno = errno
        let recorded = sqlite3_system_errno(handle)
        let system = recorded != 0 ? recorded : lastErrno
        let io = [SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM].contains(rc & 0xff)
        return SQLiteError(code: rc, message: message ?? lastErrorMessage, sql: sql,
                           systemReason: io && system != 0 ? String(cString: strerror(system)) : nil)
    }
}
