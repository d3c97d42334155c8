import CSQLite

extension Connection {
    /// Brings the schema up to `migrations.count` by running every migration whose index is
    /// at or above the file's `PRAGMA user_version`, all in one `BEGIN IMMEDIATE` transaction.
    ///
    /// The version is read inside the transaction, so processes opening the same new file at
    /// once migrate it exactly once: the others wait (busy timeout) and then find it current.
    /// `verify` runs first, inside the transaction, with the version found; what it throws
    /// rolls back, so a file it refuses is left unchanged. `migrations[i]` moves the schema from
    /// version `i` to `i + 1`. A file whose version is newer than this code knows is an error
    /// rather than a silent downgrade.
    public func migrate(_ migrations: [String], verify: (Int) throws -> Void = { _ in }) throws {
        try transaction {
            let current = try userVersion
            try verify(current)
            guard current <= migrations.count else {
                throw SQLiteError(
                    code: SQLITE_ERROR,
                    message: "\(path) has schema version \(current), newer than this tool's \(migrations.count)")
            }
            for version in current..<migrations.count {
                try execute(migrations[version])
            }
            if current < migrations.count { try execute("PRAGMA user_version = \(migrations.count)") }
        }
    }
}
