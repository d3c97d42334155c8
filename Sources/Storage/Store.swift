import SQLite
import Files
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite store of runs, forecasts and metrics (WAL mode, schema migrated on open).
/// A class: it owns the database connection.
public final class Store {
    /// One forecast row: a model's forecast of one series, origin and step.
    public struct ForecastRow: Sendable, Equatable {
        public var model: String
        public var series: String
        public var origin: Int
        public var originTime: String?
        public var step: Int
        public var targetTime: String?
        public var forecast: Double
        public var lower: Double?
        public var upper: Double?
        public var actual: Double?

        /// A forecast row from its columns.
        public init(model: String, series: String, origin: Int, originTime: String?, step: Int, targetTime: String?,
                    forecast: Double, lower: Double? = nil, upper: Double? = nil, actual: Double? = nil) {
            self.model = model
            self.series = series
            self.origin = origin
            self.originTime = originTime
            self.step = step
            self.targetTime = targetTime
            self.forecast = forecast
            self.lower = lower
            self.upper = upper
            self.actual = actual
        }
    }

    /// What a model's fit at an origin chose (`fits`).
    public struct FitRow: Sendable, Equatable {
        public var model: String
        public var series: String
        public var origin: Int
        public var settingsJSON: String
        public var note: String

        public init(model: String, series: String, origin: Int, settingsJSON: String, note: String) {
            self.model = model
            self.series = series
            self.origin = origin
            self.settingsJSON = settingsJSON
            self.note = note
        }
    }

    /// One quantile forecast: a model's level-`level` quantile of one series, origin and step.
    public struct QuantileRow: Sendable, Equatable {
        public var model: String
        public var series: String
        public var origin: Int
        public var step: Int
        public var level: Double
        public var value: Double

        /// A quantile row from its columns.
        public init(model: String, series: String, origin: Int, step: Int, level: Double, value: Double) {
            self.model = model
            self.series = series
            self.origin = origin
            self.step = step
            self.level = level
            self.value = value
        }
    }

    /// One completed origin of a backtest.
    public struct OriginRow: Sendable, Equatable {
        public var series: String
        public var origin: Int
        public var trainStart: Int
        public var trainLength: Int
        public var originTime: String?
        public var completedAt: String

        /// An origin row from its columns.
        public init(series: String, origin: Int, trainStart: Int, trainLength: Int, originTime: String?, completedAt: String) {
            self.series = series
            self.origin = origin
            self.trainStart = trainStart
            self.trainLength = trainLength
            self.originTime = originTime
            self.completedAt = completedAt
        }
    }

    /// One metric value: `step` nil for the overall figure, `series` nil for the aggregate
    /// over the series of a panel.
    public struct MetricRow: Sendable, Equatable {
        public var model: String
        public var series: String?
        public var step: Int?
        public var metric: String
        public var value: Double?
        public var n: Int

        /// A metric row from its columns.
        public init(model: String, series: String?, step: Int?, metric: String, value: Double?, n: Int) {
            self.model = model
            self.series = series
            self.step = step
            self.metric = metric
            self.value = value
            self.n = n
        }
    }

    /// What a run is: the values of `runs.kind`.
    public enum RunKind: String, Sendable, CaseIterable {
        case predict, backtest
    }

    /// Where a run is: the values of `runs.status` (the schema's CHECK).
    public enum RunStatus: String, Sendable, CaseIterable {
        case running, complete, failed
    }

    /// The one rule for the interval a forecast row keeps in `lower`/`upper`: of the central
    /// intervals a model has, the one whose coverage is nearest this (80%; the narrower on a
    /// tie). Every interval stays in `quantiles`.
    public static let storedCoverage = 0.8

    /// The index in `coverages` of the interval `lower`/`upper` keep (`storedCoverage`);
    /// nil when there is none.
    public static func storedInterval(_ coverages: [Double]) -> Int? {
        // Distances to 1e-9, so 0.7 and 0.9 tie as they do on paper.
        func distance(_ i: Int) -> Double { (abs(coverages[i] - storedCoverage) * 1e9).rounded() }
        return coverages.indices.min { a, b in
            distance(a) != distance(b) ? distance(a) < distance(b) : coverages[a] < coverages[b]
        }
    }

    /// A run as `runs` lists it.
    public struct RunRow: Sendable, Equatable {
        public var id: Int64
        public var createdAt: String
        public var kind: RunKind
        public var status: RunStatus
        public var dataset: String
        public var target: String
        public var configJSON: String
        public var toolVersion: String
        /// Origins recorded so far (backtests).
        public var originsDone: Int
        /// The run's UUID, shared by its shards (empty in a store older than schema 4).
        public var uuid: String
        /// The shard this store's process ran (0-based); nil for a whole run or a merge.
        public var shard: Int?
        /// The number of shards the run is split into (1 when it is not sharded).
        public var shardCount: Int
        /// Whether the run was started in shards (`--shard I/N`, even 0/1) or is their merge.
        public var isSharded: Bool
        /// The shards whose work this store holds whole, ascending (a finished shard's own
        /// store: its index; a merge: every shard merged so far).
        public var shardsDone: [Int]

        /// The shards not in this store yet (of a sharded run).
        public var shardsMissing: [Int] { isSharded ? (0..<shardCount).filter { !shardsDone.contains($0) } : [] }
    }

    public let connection: Connection

    /// Opens the store at `path` for writing, creating it when missing, and brings its schema
    /// up to date. Refused, and left byte-for-byte unchanged: a file that is not SQLite, a SQLite
    /// database of another program (tables of its own and no schema version of this tool) and a
    /// newer schema (`StorageError.notAStore`). A directory or other non-regular file, a missing or
    /// read-only directory and a read-only file are `StorageError.cannotWrite`, as is any later
    /// failure to write (a full disk, an I/O error). The schema is read and migrated inside one
    /// `BEGIN IMMEDIATE` transaction, so processes creating the same store at once all succeed.
    public init(path: String) throws {
        try Store.checkWritable(path)
        do {
            connection = try Connection(path: path)
        } catch {
            throw StorageError.cannotWrite(path: path, reason: error.systemReason ?? "SQLite cannot open it")
        }
        if connection.isReadOnly { throw StorageError.cannotWrite(path: path, reason: "the file is read-only") }
        let connection = connection
        try Store.guarding(path) {
            try connection.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
            try connection.migrate(Schema.migrations) { version in try Store.verifyOwnership(connection, version: version) }
            // WAL once the file is known to be ours. Switching needs the file to itself: when another
            // process has it open the switch is left to a later open (the store works either way).
            do {
                try connection.execute("PRAGMA journal_mode = WAL")
            } catch let error as SQLiteError where error.isBusy {}
        }
    }

    /// Opens an existing store for reading only (its schema must be this version or older).
    /// A missing file is `StorageError.missing`, a directory or device `StorageError.notAFile`, and
    /// anything but a store of this tool `StorageError.notAStore`.
    public init(readingFrom path: String) throws {
        switch FileKind(path: path) {
        case .regular?: break
        case let kind?: throw StorageError.notAFile(path: path, kind: kind.name)
        case nil:
            if errno == ENOENT || errno == ENOTDIR { throw StorageError.missing(path: path) }
            throw StorageError.notAStore(path: path, reason: String(cString: strerror(errno)))
        }
        connection = try Connection(path: path, mode: .readOnly)
        let connection = connection
        try Store.guarding(path) {
            let version = try connection.userVersion
            guard version <= Schema.version else {
                throw StorageError.notAStore(path: path, reason: "schema version \(version), newer than this tool's \(Schema.version)")
            }
            try Store.verifyOwnership(connection, version: version)
            guard version >= 1 else { throw StorageError.notAStore(path: path, reason: "an empty SQLite database") }
        }
    }

    /// A store to be written once there is something to record: an existing one is opened
    /// at once (so a foreign or damaged file is refused before any long work), a missing one's
    /// place is checked at once and the file created only by `open()`. Bad data or a failed
    /// run leave no new, empty store behind.
    public struct Deferred {
        public let path: String
        /// The store when it existed at `init` (opened then), else nil.
        public let existing: Store?

        public init(path: String) throws {
            self.path = path
            existing = FileKind(path: path) != nil ? try Store(path: path) : nil
            if existing == nil { try Store.checkWritable(path) }
        }

        /// The store: the one opened at `init`, or a new one created now.
        public func open() throws -> Store { try existing ?? Store(path: path) }
    }

    /// Throws unless `path` can hold a store: a regular file that can be written, or a name
    /// that can be created in an existing, writable directory (`StorageError.cannotWrite`).
    private static func checkWritable(_ path: String) throws {
        switch FileKind(path: path) {
        case .regular?:
            if let reason = SafeFile.readOnlyReason(path) { throw StorageError.cannotWrite(path: path, reason: reason) }
        case let kind?:
            throw StorageError.cannotWrite(path: path, reason: "is a \(kind.name), not a file")
        case nil:
            guard errno == ENOENT else { throw StorageError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            do { try SafeFile.checkDirectory(of: path, reported: path) } catch {
                throw StorageError.cannotWrite(path: path, reason: error.reason)
            }
        }
    }

    /// Refuses a database that is not this tool's: version 0 with tables of its own, or a
    /// version of this tool without its `runs` table (another program's `user_version`).
    private static func verifyOwnership(_ connection: Connection, version: Int) throws {
        let statement = try connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var tables: [String] = []
        while try statement.step() { tables.append(statement.text(at: 0) ?? "") }
        if version == 0, !tables.isEmpty {
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
            throw StorageError.notAStore(path: connection.path,
                                       reason: "a SQLite database with tables of its own (\(shown)); it was left unchanged")
        }
        if version >= 1, version <= Schema.version, !tables.contains("runs") {
            throw StorageError.notAStore(path: connection.path,
                                       reason: "schema version \(version) but no runs table (another program's database); it was left unchanged")
        }
    }

    /// Runs `body`, turning SQLite's failures to read or write the file into `StorageError`s
    /// that name the store: not a database or damaged (`notAStore`), read-only, full, I/O
    /// errors, cannot open a journal, or locked past the busy timeout (`cannotWrite`).
    static func guarding<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            if error.isNotADatabase {
                throw StorageError.notAStore(path: path, reason: "not a SQLite database, or a damaged one (\(error.reason))")
            }
            if error.isWriteFailure { throw StorageError.cannotWrite(path: path, reason: error.reason) }
            if error.isBusy {
                throw StorageError.cannotWrite(path: path, reason: "locked by another process for longer than the busy timeout")
            }
            throw error
        }
    }

    /// Records a new run as `running` and returns its id. `uuid` nil gives the run a random
    /// UUID; the shards of one run pass the UUID they share, with their `shard` of `shardCount`
    /// (a merge: no `shard`; a run not sharded: neither)
    /// (a store holds a UUID once: `StorageError.duplicateRun` names the run that has it).
    public func beginRun(kind: RunKind, dataset: String, target: String, configJSON: String, toolVersion: String,
                         createdAt: String, uuid: String? = nil, shard: Int? = nil, shardCount: Int? = nil) throws -> Int64 {
        try transaction {
            if let uuid, let existing = try run(uuid: uuid) {
                throw StorageError.duplicateRun(path: connection.path, uuid: uuid, run: existing.id)
            }
            try connection.prepare("""
                INSERT INTO runs(created_at, kind, status, dataset, target, config_json, tool_version, uuid, shard, shard_count)
                VALUES (?, ?, 'running', ?, ?, ?, ?, coalesce(?, \(Schema.randomUUID)), ?, ?)
                """).run([.text(createdAt), .text(kind.rawValue), .text(dataset), .text(target), .text(configJSON), .text(toolVersion),
                          uuid.map(Value.text) ?? .null, shard.map { .integer(Int64($0)) } ?? .null, shardCount.map { .integer(Int64($0)) } ?? .null])
            return connection.lastInsertRowID
        }
    }

    /// A run to begin: the columns of its `runs` row (`beginRun`'s arguments).
    public struct NewRun: Sendable {
        public var kind: RunKind
        public var dataset: String
        public var target: String
        public var configJSON: String
        public var toolVersion: String
        public var createdAt: String
        public var uuid: String
        public var shard: Int?
        public var shardCount: Int?

        public init(kind: RunKind, dataset: String, target: String, configJSON: String, toolVersion: String, createdAt: String,
                    uuid: String, shard: Int?, shardCount: Int?) {
            self.kind = kind
            self.dataset = dataset
            self.target = target
            self.configJSON = configJSON
            self.toolVersion = toolVersion
            self.createdAt = createdAt
            self.uuid = uuid
            self.shard = shard
            self.shardCount = shardCount
        }
    }

    /// The run with `new`'s UUID, begun as `new` when the store has none, in one `BEGIN
    /// IMMEDIATE` transaction: processes that begin one run at once (merges into a new store)
    /// all get the same run, and one of them begins it (`created`).
    public func run(uuid: String, orBegin new: NewRun) throws -> (run: RunRow, created: Bool) {
        try transaction {
            if let existing = try run(uuid: uuid) { return (existing, false) }
            let id = try beginRun(kind: new.kind, dataset: new.dataset, target: new.target, configJSON: new.configJSON,
                                  toolVersion: new.toolVersion, createdAt: new.createdAt, uuid: uuid, shard: new.shard,
                                  shardCount: new.shardCount)
            guard let row = try run(id) else { throw StorageError.notAStore(path: connection.path, reason: "run \(id) vanished as it was begun") }
            return (row, true)
        }
    }

    /// Writes forecast rows of a run in one transaction (all or none).
    public func insert(_ rows: [ForecastRow], run: Int64) throws {
        try transaction { try insertRows(rows, run: run) }
    }

    /// Records one completed backtest origin with all its forecasts, in one transaction:
    /// after a crash an origin is either wholly in the store or not at all.
    public func recordOrigin(_ origin: OriginRow, forecasts: [ForecastRow], quantiles: [QuantileRow], fits: [FitRow] = [],
                             run: Int64) throws {
        try transaction {
            try insertOrigins([origin], run: run)
            try insertRows(forecasts, run: run)
            try insertQuantiles(quantiles, run: run)
            try insertFits(fits, run: run)
        }
    }

    /// Writes a run's metrics and marks it `complete`, in one transaction.
    public func complete(_ run: Int64, metrics: [MetricRow]) throws {
        try transaction {
            try connection.prepare("DELETE FROM metrics WHERE run_id = ?").run([.integer(run)])
            let statement = try connection.prepare("""
                INSERT INTO metrics(run_id, model, series, step, metric, value, n) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for m in metrics {
                try statement.run([.integer(run), .text(m.model), m.series.map(Value.text) ?? .null,
                                   m.step.map { .integer(Int64($0)) } ?? .null,
                                   .text(m.metric), m.value.map(Store.real) ?? .null, .integer(Int64(m.n))])
            }
            try finishRun(run, status: .complete)
        }
    }

    /// Marks a run `complete` or `failed`.
    public func finishRun(_ run: Int64, status: RunStatus) throws {
        precondition(status != .running, "finishRun: a run finishes complete or failed")
        try Store.guarding(connection.path) {
            try connection.prepare("UPDATE runs SET status = ? WHERE id = ?").run([.text(status.rawValue), .integer(run)])
        }
    }

    /// Marks a failed or interrupted run `running` again (when it is resumed).
    public func reopenRun(_ run: Int64) throws {
        try Store.guarding(connection.path) {
            try connection.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run([.integer(run)])
        }
    }

    /// Every run, newest last, with the number of origins recorded.
    public func runs() throws -> [RunRow] { try runRows(where: "", []) }

    /// The run `id`, or nil.
    public func run(_ id: Int64) throws -> RunRow? { try runRows(where: "WHERE r.id = ?", [.integer(id)]).first }

    /// The completed origins of a run.
    public func origins(run: Int64, series: String? = nil) throws -> [OriginRow] {
        try rows("""
            SELECT series, origin, train_start, train_length, origin_time, completed_at FROM origins
            WHERE run_id = ?1 AND (?2 IS NULL OR series = ?2) ORDER BY series, origin
            """, [.integer(run), series.map(Value.text) ?? .null]) { s in
            OriginRow(series: s.text(at: 0) ?? "", origin: Int(s.int64(at: 1)), trainStart: Int(s.int64(at: 2)),
                      trainLength: Int(s.int64(at: 3)), originTime: s.text(at: 4), completedAt: s.text(at: 5) ?? "")
        }
    }

    /// The forecasts of a run, by model, series, origin and step.
    public func forecasts(run: Int64, series: String? = nil) throws -> [ForecastRow] {
        try rows("""
            SELECT model, series, origin, origin_time, step, target_time, forecast, lower, upper, actual FROM forecasts
            WHERE run_id = ?1 AND (?2 IS NULL OR series = ?2) ORDER BY model, series, origin, step
            """, [.integer(run), series.map(Value.text) ?? .null]) { s in
            ForecastRow(model: s.text(at: 0) ?? "", series: s.text(at: 1) ?? "", origin: Int(s.int64(at: 2)),
                        originTime: s.text(at: 3), step: Int(s.int64(at: 4)), targetTime: s.text(at: 5),
                        forecast: Store.optional(s, 6) ?? .nan, lower: Store.optional(s, 7), upper: Store.optional(s, 8),
                        actual: Store.optional(s, 9))
        }
    }

    /// What the fits of a run chose, by model, series and origin (none in a store before version 5).
    public func fits(run: Int64, series: String? = nil) throws -> [FitRow] {
        guard try connection.userVersion >= 5 else { return [] }
        return try rows("""
            SELECT model, series, origin, settings_json, note FROM fits
            WHERE run_id = ?1 AND (?2 IS NULL OR series = ?2) ORDER BY model, series, origin
            """, [.integer(run), series.map(Value.text) ?? .null]) { s in
            FitRow(model: s.text(at: 0) ?? "", series: s.text(at: 1) ?? "", origin: Int(s.int64(at: 2)),
                   settingsJSON: s.text(at: 3) ?? "", note: s.text(at: 4) ?? "")
        }
    }

    /// The quantile forecasts of a run, by model, series, origin, step and level.
    public func quantiles(run: Int64, series: String? = nil) throws -> [QuantileRow] {
        try rows("""
            SELECT model, series, origin, step, level, value FROM quantiles
            WHERE run_id = ?1 AND (?2 IS NULL OR series = ?2) ORDER BY model, series, origin, step, level
            """, [.integer(run), series.map(Value.text) ?? .null]) { s in
            QuantileRow(model: s.text(at: 0) ?? "", series: s.text(at: 1) ?? "", origin: Int(s.int64(at: 2)),
                        step: Int(s.int64(at: 3)), level: s.double(at: 4), value: Store.optional(s, 5) ?? .nan)
        }
    }

    /// The metrics of a run.
    public func metrics(run: Int64) throws -> [MetricRow] {
        try rows("""
            SELECT model, series, step, metric, value, n FROM metrics WHERE run_id = ? ORDER BY rowid
            """, [.integer(run)]) { s in
            MetricRow(model: s.text(at: 0) ?? "", series: s.type(at: 1) == .null ? nil : s.text(at: 1) ?? "",
                      step: s.type(at: 2) == .null ? nil : Int(s.int64(at: 2)), metric: s.text(at: 3) ?? "",
                      value: Store.optional(s, 4), n: Int(s.int64(at: 5)))
        }
    }

    func runRows(where clause: String, _ values: [Value]) throws -> [RunRow] {
        let version = try connection.userVersion
        let done = version >= 2 ? "(SELECT count(*) FROM origins o WHERE o.run_id = r.id)" : "0"
        // Stores older than schema 4 (read-only opens) have no UUIDs or shards.
        let shards = version >= 4
            ? "r.uuid, r.shard, r.shard_count, (SELECT group_concat(shard) FROM (SELECT shard FROM shards x WHERE x.run_id = r.id ORDER BY shard))"
            : "'', NULL, NULL, NULL"
        return try rows("""
            SELECT r.id, r.created_at, r.kind, r.status, r.dataset, r.target, r.config_json, r.tool_version, \(done), \(shards)
            FROM runs r \(clause) ORDER BY r.id
            """, values) { s in
            // Another program's or a later version's values: not a store this tool can read.
            let id = s.int64(at: 0), kindText = s.text(at: 2) ?? "", statusText = s.text(at: 3) ?? ""
            guard let kind = RunKind(rawValue: kindText), let status = RunStatus(rawValue: statusText) else {
                throw StorageError.notAStore(path: connection.path, reason: "run \(id) has kind \"\(kindText)\" and status \"\(statusText)\"")
            }
            // A shard count of 1...100,000 (what `--shard` takes), a shard below it, shards merged below it.
            let count = s.type(at: 11) == .null ? 1 : s.int64(at: 11), shard = s.type(at: 10) == .null ? nil : Optional(s.int64(at: 10))
            let done = (s.text(at: 12) ?? "").split(separator: ",").compactMap { Int64($0) }
            guard (1...100_000).contains(count), shard.map({ (0..<count).contains($0) }) ?? true,
                  done.allSatisfy({ (0..<count).contains($0) }) else {
                throw StorageError.notAStore(path: connection.path,
                                            reason: "run \(id) has shard \(shard.map(String.init) ?? "NULL") of \(count) (shards done \(done))")
            }
            return RunRow(id: id, createdAt: s.text(at: 1) ?? "", kind: kind, status: status,
                   dataset: s.text(at: 4) ?? "", target: s.text(at: 5) ?? "", configJSON: s.text(at: 6) ?? "{}",
                   toolVersion: s.text(at: 7) ?? "", originsDone: Int(s.int64(at: 8)), uuid: s.text(at: 9) ?? "",
                   shard: shard.map(Int.init), shardCount: Int(count), isSharded: s.type(at: 11) != .null,
                   shardsDone: done.map(Int.init))
        }
    }

    func rows<T>(_ sql: String, _ values: [Value], _ make: (Statement) throws -> T) throws -> [T] {
        try Store.guarding(connection.path) {
            let statement = try connection.prepare(sql)
            try statement.bind(values)
            var out: [T] = []
            while try statement.step() { out.append(try make(statement)) }
            return out
        }
    }

    /// `BEGIN IMMEDIATE ... COMMIT` around `body`, its failures to write named by the store's path.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try Store.guarding(connection.path) { try connection.transaction(body) }
    }

    func insertOrigins(_ origins: [OriginRow], run: Int64) throws {
        let statement = try connection.prepare("""
            INSERT INTO origins(run_id, series, origin, train_start, train_length, origin_time, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for origin in origins {
            try statement.run([.integer(run), .text(origin.series), .integer(Int64(origin.origin)),
                               .integer(Int64(origin.trainStart)), .integer(Int64(origin.trainLength)),
                               origin.originTime.map(Value.text) ?? .null, .text(origin.completedAt)])
        }
    }

    func insertFits(_ fits: [FitRow], run: Int64) throws {
        guard !fits.isEmpty else { return }
        let statement = try connection.prepare("""
            INSERT INTO fits(run_id, model, series, origin, settings_json, note) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for f in fits {
            try statement.run([.integer(run), .text(f.model), .text(f.series), .integer(Int64(f.origin)), .text(f.settingsJSON),
                               .text(f.note)])
        }
    }

    func insertQuantiles(_ quantiles: [QuantileRow], run: Int64) throws {
        let statement = try connection.prepare("""
            INSERT INTO quantiles(run_id, model, series, origin, step, level, value) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for q in quantiles {
            try statement.run([.integer(run), .text(q.model), .text(q.series), .integer(Int64(q.origin)),
                               .integer(Int64(q.step)), .real(q.level), Store.real(q.value)])
        }
    }

    func insertRows(_ rows: [ForecastRow], run: Int64) throws {
        let statement = try connection.prepare("""
            INSERT INTO forecasts(run_id, model, series, origin, origin_time, step, target_time, forecast, lower, upper, actual)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        func optional(_ v: Double?) -> Value { v.map(Store.real) ?? .null }
        for r in rows {
            try statement.run([.integer(run), .text(r.model), .text(r.series), .integer(Int64(r.origin)),
                               r.originTime.map(Value.text) ?? .null, .integer(Int64(r.step)),
                               r.targetTime.map(Value.text) ?? .null, .real(r.forecast), optional(r.lower),
                               optional(r.upper), optional(r.actual)])
        }
    }

    /// A number as REAL, infinities included (a MASE over a constant training window is
    /// infinite, and `report` must print what the live run printed); NaN as NULL (SQLite has
    /// no NaN).
    static func real(_ v: Double) -> Value { v.isNaN ? .null : .real(v) }

    private static func optional(_ s: Statement, _ i: Int) -> Double? { s.type(at: i) == .null ? nil : s.double(at: i) }
}
