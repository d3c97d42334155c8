import SQLite

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

    public let connection: Connection

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        connection = try Connection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
        try connection.migrate(Schema.migrations)
    }

    /// Records a new run as `running` and returns its id.
    public func beginRun(kind: String, dataset: String, target: String, configJSON: String, toolVersion: String,
                         createdAt: String) throws -> Int64 {
        try connection.transaction {
            try connection.prepare("""
                INSERT INTO runs(created_at, kind, status, dataset, target, config_json, tool_version)
                VALUES (?, ?, 'running', ?, ?, ?, ?)
                """).run([.text(createdAt), .text(kind), .text(dataset), .text(target), .text(configJSON), .text(toolVersion)])
            return connection.lastInsertRowID
        }
    }

    /// Writes forecast rows of a run in one transaction (all or none).
    public func insert(_ rows: [ForecastRow], run: Int64) throws {
        try connection.transaction {
            let statement = try connection.prepare("""
                INSERT INTO forecasts(run_id, model, series, origin, origin_time, step, target_time, forecast, lower, upper, actual)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            func optional(_ v: Double?) -> Value { v.map { $0.isFinite ? .real($0) : .null } ?? .null }
            for r in rows {
                try statement.run([.integer(run), .text(r.model), .text(r.series), .integer(Int64(r.origin)),
                                   r.originTime.map(Value.text) ?? .null, .integer(Int64(r.step)),
                                   r.targetTime.map(Value.text) ?? .null, .real(r.forecast), optional(r.lower),
                                   optional(r.upper), optional(r.actual)])
            }
        }
    }

    /// Marks a run `complete` or `failed`.
    public func finishRun(_ run: Int64, status: String) throws {
        precondition(["complete", "failed"].contains(status), "finishRun: status must be complete or failed")
        try connection.prepare("UPDATE runs SET status = ? WHERE id = ?").run([.text(status), .integer(run)])
    }
}
