import CSQLite

extension Connection {
    /// Brings the schema up to `migrations.count` by running, in one transaction each, every
    /// migration whose index is at or above the file's `PRAGMA user_version`.
    ///
    /// `migrations[i]` moves the schema from version `i` to `i + 1`. A file whose version is
    /// newer than this code knows is an error rather than a silent downgrade.
    public func migrate(_ migrations: [String]) throws {
        let current = try userVersion
        guard current <= migrations.count else {
            throw SQLiteError(
                code: SQLITE_ERROR,
                message: "\(path) has schema version \(current), newer than this tool's \(migrations.count)")
        }
        for version in current..<migrations.count {
            try transaction {
                try execute(migrations[version])
                try execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }
}
