import Foundation
import Testing
import TestSupport
@testable import forecast

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs the built `forecast` binary (next to the test bundle) and returns exit code, stdout, stderr.
func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (code: Int32, out: String, err: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("forecast")
    // `swift test` builds the executable products next to the test bundle.
    guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw CocoaError(.fileNoSuchFile) }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

@Suite struct CLITests {
    @Test func parsesArguments() throws {
        let command = try ForecastCommand.parseAsRoot(["inspect", "datasets/msft_daily.csv", "--target", "close", "--format", "json"])
        let inspect = try #require(command as? Inspect)
        #expect(inspect.data.target == "close")
        #expect(inspect.format == .json)
        #expect(try run(["inspect"]).code == 64)  // no data: said when run (backtest --resume takes none)
        #expect(throws: (any Error).self) { try ForecastCommand.parseAsRoot(["inspect", "a.csv", "--sqlite", "b.db"]) }
        #expect(throws: (any Error).self) { try ForecastCommand.parseAsRoot(["inspect", "a.csv", "--delimiter", "pipe"]) }
    }

    @Test func inspectEveryBundledDataset() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("datasets").path)
            .filter { $0.hasSuffix(".csv") }
        #expect(files.count == 8)
        for file in files {
            let result = try run(["inspect", "datasets/\(file)", "--format", "json"])
            #expect(result.code == 0, "\(file): \(result.err)")
            #expect(result.out.contains("\"rows\""))
        }
        let weather = try run(["inspect", "datasets/nyc_ewr_weather_hourly.csv"])
        #expect(weather.out.contains("8730"))
        #expect(weather.out.contains("1h (inferred), no gaps"))
    }

    @Test func exitCodesAndOneLineMessages() throws {
        let missing = try run(["inspect", "no/such.csv"])
        #expect(missing.code == 66)
        #expect(missing.err == "forecast: error: no/such.csv: cannot open: No such file or directory\n")
        let bad = URL(fileURLWithPath: temporaryPath("bad.csv"))
        try Data("timestamp,v\n2020-01-01,1\n2020-01-02,oops\n".utf8).write(to: bad)
        let data = try run(["inspect", bad.path])
        #expect(data.code == 65)
        #expect(data.err == "forecast: error: \(bad.path):3:2: column \"v\": expected a number, found \"oops\"\n")
        let usage = try run(["inspect", "--format", "xml", "datasets/msft_daily.csv"])
        #expect(usage.code == 64)
        let unknown = try run(["inspect", "datasets/msft_daily.csv", "--target", "price"])
        #expect(unknown.code == 65)
        #expect(unknown.err.contains("the columns are: timestamp, open, high, low, close, volume"))
    }

    @Test func inspectFromSQLite() throws {
        let path = temporaryPath("cli.db")
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        setup.arguments = ["python3", "-c", """
            import sqlite3; c = sqlite3.connect('\(path)')
            c.execute('CREATE TABLE t(ts INTEGER, v REAL)')
            c.executemany('INSERT INTO t VALUES (?, ?)', [(1577836800 + 3600 * i, i * 0.5) for i in range(48)])
            c.commit()
            """]
        try setup.run()
        setup.waitUntilExit()
        try #require(setup.terminationStatus == 0)
        let table = try run(["inspect", "--sqlite", path, "--table", "t", "--time-column", "ts"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("1h (inferred)"))
        let query = try run(["inspect", "--sqlite", path, "--sql", "SELECT ts, v FROM t WHERE v > 10", "--time-column", "ts", "--format", "json"])
        #expect(query.out.contains("\"rows\": 27"))
        let noSource = try run(["inspect", "--sqlite", path])
        #expect(noSource.code == 64)
    }
}
