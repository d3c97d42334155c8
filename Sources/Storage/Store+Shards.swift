/// The shards of a run in a store: a shard's own (finished) run, the shards a store holds,
/// and merging the stores of a sharded run's shards into one.
extension Store {
    /// One shard of a run that a store holds.
    public struct ShardRow: Sendable, Equatable {
        public var shard: Int
        /// (series, origin) pairs the shard recorded.
        public var origins: Int
        public var completedAt: String
        /// The store it was merged from; nil where it ran.
        public var source: String?

        /// A shard row from its columns.
        public init(shard: Int, origins: Int, completedAt: String, source: String?) {
            self.shard = shard
            self.origins = origins
            self.completedAt = completedAt
            self.source = source
        }
    }

    /// Marks a shard's run `complete`: its work is whole in this store (`origins` pairs),
    /// ready to merge. It has no metrics of its own; the merge computes the run's.
    public func completeShard(_ run: Int64, shard: Int, origins: Int, completedAt: String) throws {
        try transaction {
            try connection.prepare("""
                INSERT OR REPLACE INTO shards(run_id, shard, origins, completed_at, source) VALUES (?, ?, ?, ?, NULL)
                """).run([.integer(run), .integer(Int64(shard)), .integer(Int64(origins)), .text(completedAt)])
            try finishRun(run, status: .complete)
        }
    }

    /// The shards of a run this store holds, by index.
    public func shards(run: Int64) throws -> [ShardRow] {
        guard try connection.userVersion >= 4 else { return [] }
        return try rows("SELECT shard, origins, completed_at, source FROM shards WHERE run_id = ? ORDER BY shard",
                        [.integer(run)]) { s in
            ShardRow(shard: Int(s.int64(at: 0)), origins: Int(s.int64(at: 1)), completedAt: s.text(at: 2) ?? "",
                     source: s.text(at: 3))
        }
    }

    /// The run with this UUID, or nil.
    public func run(uuid: String) throws -> RunRow? {
        guard try connection.userVersion >= 4 else { return nil }
        return try runRows(where: "WHERE r.uuid = ?", [.text(uuid)]).first
    }

    /// Copies into run `target` of this store the shards of `sourceRun` (in `source`, the
    /// store at `sourcePath`) that this store does not hold yet: their origins, forecasts,
    /// quantiles and fits, and a `shards` row each naming where it came from, in one transaction.
    /// Origins already here are not copied again, so merging a store twice adds nothing.
    /// Returns the shards added, ascending (empty when every one was here already).
    ///
    /// Which runs may be merged (one UUID, configuration and data) is the caller's to check.
    public func mergeShards(of sourceRun: RunRow, from source: Store, sourcePath: String, into target: Int64) throws -> [Int] {
        struct Key: Hashable {
            var series: String
            var origin: Int
        }
        let sourceShards = try source.shards(run: sourceRun.id)
        let sourceOrigins = try source.origins(run: sourceRun.id)
        let sourceForecasts = try source.forecasts(run: sourceRun.id)
        let sourceQuantiles = try source.quantiles(run: sourceRun.id)
        let sourceFits = try source.fits(run: sourceRun.id)
        // What is here already is read inside the write transaction, so two merges into one
        // store at once do not both copy a shard.
        return try transaction {
            let here = Set(try shards(run: target).map(\.shard))
            let new = sourceShards.filter { !here.contains($0.shard) }
            guard !new.isEmpty else { return [] }
            let present = Set(try self.origins(run: target).map { Key(series: $0.series, origin: $0.origin) })
            let origins = sourceOrigins.filter { !present.contains(Key(series: $0.series, origin: $0.origin)) }
            let copied = Set(origins.map { Key(series: $0.series, origin: $0.origin) })
            let forecasts = sourceForecasts.filter { copied.contains(Key(series: $0.series, origin: $0.origin)) }
            let quantiles = sourceQuantiles.filter { copied.contains(Key(series: $0.series, origin: $0.origin)) }
            try insertOrigins(origins, run: target)
            try insertRows(forecasts, run: target)
            try insertQuantiles(quantiles, run: target)
            try insertFits(sourceFits.filter { copied.contains(Key(series: $0.series, origin: $0.origin)) }, run: target)
            let statement = try connection.prepare("""
                INSERT INTO shards(run_id, shard, origins, completed_at, source) VALUES (?, ?, ?, ?, ?)
                """)
            for shard in new {
                try statement.run([.integer(target), .integer(Int64(shard.shard)), .integer(Int64(shard.origins)),
                                   .text(shard.completedAt), .text(shard.source ?? sourcePath)])
            }
            return new.map(\.shard)
        }
    }
}
