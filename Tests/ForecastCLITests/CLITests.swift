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
        #expect(files.count == 10)  // the eight of datasets/PROTOCOL.md and the Chicago ridership pair
        for file in files {
            let panel = file.contains("_long") ? ["--series-column", "station"] : []
            let result = try run(["inspect", "datasets/\(file)", "--format", "json"] + panel)
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

/// Issue 14, family 6: the smaller defects found on the way, each a sentence and an exit code.
@Suite struct SmallerOnesTests {
    func write(_ name: String, _ text: String) throws -> String {
        let path = temporaryPath(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A monthly series written with its local offset (+01:00 in winter, +02:00 in summer) is
    /// irregular in UTC: a warning names the line where it first leaves the grid, and so does
    /// `inspect`; clock times mixed with instants are refused at their line and column.
    @Test func irregularGridsAreReportedWithTheirFirstOffendingLine() throws {
        var text = "date,value\n"
        for i in 0..<36 {
            let month = i % 12 + 1
            text += "\(2018 + i / 12)-\(month < 10 ? "0" : "")\(month)-01T00:00:00\((4...10).contains(month) ? "+02:00" : "+01:00"),\(100 + i)\n"
        }
        let path = try write("dst.csv", text)
        let predicted = try run(["predict", path, "--max-steps", "2", "--hidden", "4", "--horizon", "3", "--input-window", "6"])
        #expect(predicted.code == 0, "\(predicted.err)")
        #expect(predicted.err.hasPrefix("forecast: warning: \(path):4: 2018-02-28T23:00:00Z is not a whole number of 31d steps after 2018-01-31T23:00:00Z; 21 of 35 steps are off the grid (irregular); times with a UTC offset are compared in UTC"),
                "\(predicted.err)")
        let inspected = try run(["inspect", path])
        #expect(inspected.err.isEmpty)
        #expect(inspected.out.contains("first    \(path):4: 2018-02-28T23:00:00Z is not a whole number"), "\(inspected.out)")
        // The same months without offsets are a monthly grid, with no warning.
        let local = try write("local.csv", text.replacingOccurrences(of: "+02:00", with: "").replacingOccurrences(of: "+01:00", with: ""))
        let regular = try run(["predict", local, "--max-steps", "2", "--hidden", "4", "--horizon", "3", "--input-window", "6"])
        #expect(regular.code == 0 && regular.err.isEmpty, "\(regular.err)")
        let mixed = try write("mixed.csv", "date,v\n2020-01-01T00:00,1\n2020-01-02T00:00Z,2\n")
        let refused = try run(["inspect", mixed])
        #expect(refused.code == 65)
        #expect(refused.err.hasPrefix("forecast: error: \(mixed):3:1: column \"date\": \"2020-01-02T00:00Z\" is an instant"), "\(refused.err)")
    }

    @Test func noNumericColumnADirectoryAndBadDataLeaveSentencesAndNoStore() throws {
        let text = try write("text.csv", "date,name\n2020-01-01,a\n2020-01-02,b\n")
        let db = temporaryPath("never.db")
        let noNumber = try run(["backtest", text, "--db", db])
        #expect(noNumber.code == 65)
        #expect(noNumber.err == "forecast: error: \(text): no numeric column to forecast (text columns: name)\n")
        #expect(!FileManager.default.fileExists(atPath: db))  // the store is opened after the data are read
        let predicted = try run(["predict", text, "--db", db])
        #expect(predicted.code == 65 && !FileManager.default.fileExists(atPath: db), "\(predicted.err)")
        let several = try run(["predict", "datasets/msft_daily.csv"])
        #expect(several.code == 64)
        #expect(several.err == "forecast: error: datasets/msft_daily.csv: 5 numeric columns (open, high, low, close, volume); name the one to forecast with --target\n")
        let directory = try run(["predict", NSTemporaryDirectory()])
        #expect(directory.code == 66)
        #expect(directory.err.hasSuffix(": cannot open: it is a directory\n"), "\(directory.err)")
        let runs = try run(["runs", "--db", NSTemporaryDirectory()])
        #expect(runs.code == 66)
        #expect(runs.err.contains("is a directory, not a store"), "\(runs.err)")
        let negative = try run(["predict", "datasets/air_passengers_monthly.csv", "--horizon", "-3"])
        #expect(negative.code == 64)
        #expect(negative.err.hasPrefix("Error: --horizon must be in 1...100000, got -3."), "\(negative.err)")
    }
}
