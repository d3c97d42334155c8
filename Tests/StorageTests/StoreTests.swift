import Foundation
import SQLite
import Testing
@testable import Storage

@Suite struct StoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID()).db").path
    }

    @Test func runsAndForecastsAsASQLUserSeesThem() throws {
        let path = temporaryPath()
        let store = try Store(path: path)
        let run = try store.beginRun(kind: "predict", dataset: "x.csv", target: "y", configJSON: "{\"cell\":\"gru\"}",
                                     toolVersion: "0.1.0", createdAt: "2026-11-22T00:00:00Z")
        try store.insert([
            .init(model: "gru", series: "x", origin: 1, originTime: "2020-01-01", step: 1, targetTime: "2020-02-01",
                  forecast: 1.5, lower: 1, upper: 2),
            .init(model: "gru", series: "x", origin: 1, originTime: "2020-01-01", step: 2, targetTime: "2020-03-01",
                  forecast: 2.5, lower: nil, upper: .infinity),
        ], run: run)
        try store.finishRun(run, status: "complete")

        let reader = try Connection(path: path, mode: .readOnly)
        let statement = try reader.prepare("""
            SELECT r.status, json_extract(r.config_json, '$.cell'), f.step, f.forecast, f.lower, f.upper
            FROM runs r JOIN forecasts f ON f.run_id = r.id ORDER BY f.step
            """)
        #expect(try statement.step())
        #expect(statement.text(at: 0) == "complete" && statement.text(at: 1) == "gru")
        #expect(statement.double(at: 3) == 1.5 && statement.double(at: 4) == 1)
        #expect(try statement.step())
        #expect(statement.type(at: 4) == .null && statement.type(at: 5) == .null)  // infinity stored as NULL
        #expect(try reader.userVersion == Schema.version)
        let check = try reader.prepare("PRAGMA integrity_check")
        _ = try check.step()
        #expect(check.text(at: 0) == "ok")
        let mode = try reader.prepare("PRAGMA journal_mode")
        _ = try mode.step()
        #expect(mode.text(at: 0) == "wal")
    }

    @Test func reopeningKeepsTheSchemaAndRejectsDuplicateRows() throws {
        let path = temporaryPath()
        let run = try Store(path: path).beginRun(kind: "predict", dataset: "d", target: "t", configJSON: "{}",
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
