import Foundation
import SQLite
import Testing
import TestSupport
@testable import Storage

@Suite struct StoreTests {
    @Test func runsAndForecastsAsASQLUserSeesThem() throws {
        let path = temporaryPath("store.db")
        let store = try Store(path: path)
        let run = try store.beginRun(kind: .predict, dataset: "x.csv", target: "y", configJSON: "{\"cell\":\"gru\"}",
                                     toolVersion: "0.1.0", createdAt: "2026-11-22T00:00:00Z")
        try store.insert([
            .init(model: "gru", series: "x", origin: 1, originTime: "2020-01-01", step: 1, targetTime: "2020-02-01",
                  forecast: 1.5, lower: 1, upper: 2),
            .init(model: "gru", series: "x", origin: 1, originTime: "2020-01-01", step: 2, targetTime: "2020-03-01",
                  forecast: 2.5, lower: nil, upper: .infinity),
        ], run: run)
        try store.finishRun(run, status: .complete)

        let reader = try Connection(path: path, mode: .readOnly)
        let statement = try reader.prepare("""
            SELECT r.status, json_extract(r.config_json, '$.cell'), f.step, f.forecast, f.lower, f.upper
            FROM runs r JOIN forecasts f ON f.run_id = r.id ORDER BY f.step
            """)
        #expect(try statement.step())
        #expect(statement.text(at: 0) == "complete" && statement.text(at: 1) == "gru")
        #expect(statement.double(at: 3) == 1.5 && statement.double(at: 4) == 1)
        #expect(try statement.step())
        // No bound is NULL; an infinite one is a REAL infinity (as `report` must print it).
        #expect(statement.type(at: 4) == .null && statement.double(at: 5) == .infinity)
        #expect(try reader.userVersion == Schema.version)
        let check = try reader.prepare("PRAGMA integrity_check")
        _ = try check.step()
        #expect(check.text(at: 0) == "ok")
        let mode = try reader.prepare("PRAGMA journal_mode")
        _ = try mode.step()
        #expect(mode.text(at: 0) == "wal")
    }

    @Test func reopeningKeepsTheSchemaAndRejectsDuplicateRows() throws {
        let path = temporaryPath("store.db")
        let run = try Store(path: path).beginRun(kind: .predict, dataset: "d", target: "t", configJSON: "{}",
                                                 toolVersion: "0", createdAt: "now")
        let store = try Store(path: path)  // migrations already applied: nothing runs twice
        let row = Store.ForecastRow(model: "m", series: "s", origin: 1, originTime: nil, step: 1, targetTime: nil, forecast: 1)
        #expect(throws: SQLiteError.self) { try store.insert([row, row], run: run) }
        // The failed transaction left nothing behind.
        let count = try store.connection.prepare("SELECT count(*) FROM forecasts")
        _ = try count.step()
        #expect(count.int64(at: 0) == 0)
    }
}

@Suite struct StoreConcurrencyTests {
    @Test func aReaderReadsCommittedRowsWhileAWriterHoldsATransaction() throws {
        let path = temporaryPath("store.db")
        let store = try Store(path: path)
        let run = try store.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0",
                                     createdAt: "now")
        let row = Store.ForecastRow(model: "m", series: "s", origin: 1, originTime: nil, step: 1, targetTime: nil, forecast: 1)
        try store.recordOrigin(.init(series: "s", origin: 1, trainStart: 0, trainLength: 10, originTime: nil, completedAt: "now"),
                               forecasts: [row], quantiles: [], run: run)
        let reader = try Store(readingFrom: path)
        var second = row
        second.origin = 2
        try store.insert([second], run: run)
        #expect(try reader.forecasts(run: run).count == 2)
        // A writer in the middle of a transaction: the reader sees the last commit, at once.
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.connection.prepare("INSERT INTO forecasts(run_id, model, series, origin, step, forecast) VALUES (?, 'm', 's', 3, 1, 1)")
            .run([.integer(run)])
        #expect(try reader.forecasts(run: run).count == 2)
        #expect(try reader.runs().first?.originsDone == 1)
        try store.connection.execute("COMMIT")
        #expect(try reader.forecasts(run: run).count == 3)
    }

    @Test func completeWritesMetricsAndStatusTogether() throws {
        let path = temporaryPath("store.db")
        let store = try Store(path: path)
        let run = try store.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0",
                                     createdAt: "now")
        let metric = Store.MetricRow(model: "m", series: "s", step: nil, metric: "mae", value: 1.5, n: 4)
        // A duplicate key fails the transaction: neither the metrics nor the status change.
        #expect(throws: SQLiteError.self) { try store.complete(run, metrics: [metric, metric]) }
        #expect(try store.run(run)?.status == .running && store.metrics(run: run).isEmpty)
        try store.complete(run, metrics: [metric, Store.MetricRow(model: "m", series: "s", step: 1, metric: "mae", value: .nan, n: 0)])
        #expect(try store.run(run)?.status == .complete)
        #expect(try store.metrics(run: run) == [metric, Store.MetricRow(model: "m", series: "s", step: 1, metric: "mae", value: nil, n: 0)])
    }

    /// A version 2 store (before aggregate rows) moves to version 3 on open with its metric
    /// rows kept; the aggregate rows of a panel (no series) are kept apart from a series'.
    @Test func version2StoresMigrateAndAggregateRowsHaveNoSeries() throws {
        let path = temporaryPath("v2.db")
        do {
            let old = try Connection(path: path)
            try old.migrate(Array(Schema.migrations.prefix(2)))
            try old.execute("""
                INSERT INTO runs VALUES (1, 'now', 'backtest', 'complete', 'd', 't', '{}', '0.1');
                INSERT INTO metrics VALUES (1, 'gru', 'a', NULL, 'mase', 0.5, 10);
                """)
        }
        let store = try Store(path: path)
        #expect(try Connection(path: path, mode: .readOnly).userVersion == Schema.version)
        #expect(try store.metrics(run: 1) == [Store.MetricRow(model: "gru", series: "a", step: nil, metric: "mase", value: 0.5, n: 10)])
        let run = try store.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0", createdAt: "now")
        let rows = [Store.MetricRow(model: "gru", series: "a", step: nil, metric: "mase", value: 0.5, n: 10),
                    Store.MetricRow(model: "gru", series: nil, step: nil, metric: "mase", value: 0.7, n: 20)]
        try store.complete(run, metrics: rows)
        #expect(try store.metrics(run: run) == rows)
        #expect(throws: SQLiteError.self) { try store.complete(run, metrics: rows + [rows[1]]) }  // one aggregate per key
    }

    @Test func aRunOfAnUnknownKindIsNotAStoreOfThisTool() throws {
        let path = temporaryPath("store.db")
        let store = try Store(path: path)
        _ = try store.beginRun(kind: .predict, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0", createdAt: "now")
        try Connection(path: path).execute("UPDATE runs SET kind = 'tune'")
        #expect(throws: StorageError.notAStore(path: path, reason: "run 1 has kind \"tune\" and status \"running\"")) {
            try store.runs()
        }
    }

    @Test func lowerAndUpperKeepTheIntervalNearest80Percent() {
        #expect(Store.storedInterval([]) == nil)
        #expect(Store.storedInterval([0.9, 0.8]) == 1)   // quantiles 0.05, 0.1, ..., 0.9, 0.95
        #expect(Store.storedInterval([0.8, 0.9]) == 0)   // a Gaussian head's 80% and 90%
        #expect(Store.storedInterval([0.5]) == 0)
        #expect(Store.storedInterval([0.9, 0.7]) == 1)   // a tie: the narrower
        #expect(Store.storedInterval([0.7, 0.9]) == 0)
        #expect(Store.storedInterval([0.98, 0.6, 0.95]) == 2)
    }

    /// A version 3 store moves to version 4 with a UUID for every run (distinct, in UUID form),
    /// no shards, and new runs get one too.
    @Test func version3StoresMigrateWithAUUIDForEveryRun() throws {
        let path = temporaryPath("v3.db")
        do {
            let old = try Connection(path: path)
            try old.migrate(Array(Schema.migrations.prefix(3)))
            try old.execute("""
                INSERT INTO runs VALUES (1, 'now', 'backtest', 'complete', 'd', 't', '{}', '0.1');
                INSERT INTO runs VALUES (2, 'now', 'predict', 'complete', 'd', 't', '{}', '0.1');
                """)
        }
        let store = try Store(path: path)
        let new = try store.beginRun(kind: .predict, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0", createdAt: "now")
        let runs = try store.runs()
        #expect(runs.map(\.id) == [1, 2, new])
        #expect(Set(runs.map(\.uuid)).count == 3)
        for run in runs {
            #expect(run.uuid.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(run.uuid)")
            #expect(run.shard == nil && run.shardCount == 1 && run.shardsDone.isEmpty && !run.isSharded)
        }
    }

    /// A run whose shard fields are out of range (a damaged or crafted store) makes the file
    /// not a store of this tool, not a trap.
    @Test func shardFieldsOutOfRangeAreRefused() throws {
        for update in ["shard_count = -1", "shard_count = 1000000000", "shard = 5, shard_count = 4", "shard = -1, shard_count = 4"] {
            let path = temporaryPath("crafted.db")
            let store = try Store(path: path)
            _ = try store.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0", createdAt: "now")
            try Connection(path: path).execute("UPDATE runs SET \(update)")
            #expect(throws: StorageError.self, "\(update)") { try store.runs() }
        }
    }

    /// Merging a shard's store copies its origins, forecasts, quantiles and shard row once:
    /// a second merge adds nothing. A UUID is one run per store.
    @Test func mergingAShardTwiceAddsNothing() throws {
        let shardPath = temporaryPath("shard.db")
        let shard = try Store(path: shardPath)
        let uuid = "0f0f0f0f-0000-8000-8000-000000000001"
        let run = try shard.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0",
                                     createdAt: "now", uuid: uuid, shard: 1, shardCount: 2)
        #expect(throws: StorageError.duplicateRun(path: shardPath, uuid: uuid, run: run)) {
            try shard.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0",
                               createdAt: "now", uuid: uuid, shard: 1, shardCount: 2)
        }
        for origin in 1...2 {
            try shard.recordOrigin(Store.OriginRow(series: "a", origin: origin, trainStart: 0, trainLength: 10 + origin,
                                                   originTime: nil, completedAt: "now"),
                                   forecasts: [Store.ForecastRow(model: "m", series: "a", origin: origin, originTime: nil, step: 1,
                                                                 targetTime: nil, forecast: 0.1 * Double(origin), actual: 1)],
                                   quantiles: [Store.QuantileRow(model: "m", series: "a", origin: origin, step: 1, level: 0.1, value: -1)],
                                   run: run)
        }
        let source = try #require(try shard.run(run))
        #expect(source.shardsDone.isEmpty && source.status == .running)
        try shard.completeShard(run, shard: 1, origins: 2, completedAt: "then")
        let done = try #require(try shard.run(run))
        #expect(done.shardsDone == [1] && done.status == .complete && done.shardsMissing == [0])

        let out = try Store(path: temporaryPath("out.db"))
        let target = try out.beginRun(kind: .backtest, dataset: "d", target: "t", configJSON: "{}", toolVersion: "0",
                                      createdAt: "now", uuid: uuid, shardCount: 2)
        let reader = try Store(readingFrom: shardPath)
        #expect(try out.mergeShards(of: done, from: reader, sourcePath: shardPath, into: target) == [1])
        #expect(try out.mergeShards(of: done, from: reader, sourcePath: shardPath, into: target) == [])
        #expect(try out.forecasts(run: target) == shard.forecasts(run: run))
        #expect(try out.quantiles(run: target) == shard.quantiles(run: run))
        #expect(try out.origins(run: target) == shard.origins(run: run))
        #expect(try out.shards(run: target) == [Store.ShardRow(shard: 1, origins: 2, completedAt: "then", source: shardPath)])
        let merged = try #require(try out.run(uuid: uuid))
        #expect(merged.id == target && merged.shardsDone == [1] && merged.shardsMissing == [0] && merged.status == .running)
    }
}
