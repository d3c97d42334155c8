import SQLite
import Storage

extension Store {
    /// The store at `path` opened for reading only (`Store(readingFrom:)`), with a note on
    /// stderr when it is read as immutable (read-only media).
    static func reading(_ path: String) throws -> Store {
        let store = try Store(readingFrom: path)
        if store.connection.isImmutable { printNotice(Connection.immutableNotice(path)) }
        return store
    }
}
