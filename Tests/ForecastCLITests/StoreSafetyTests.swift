import Foundation
import Testing
import TestSupport

/// Issue 14, families 3 to 5: output failures exit 73 naming the path; the store opens
/// only its own databases and is safe to create concurrently; `query` runs exactly one
/// statement and streams its rows.
@Suite struct StoreSafetyTests {
    let air = "datasets/air_passengers_monthly.csv"
    let baselines = ["--models", "naive,mean"]

    /// Runs python3 with `script` and `arguments`; returns its standard output, trimmed.
    func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `executable` with its standard output sent to `standardOutput`; returns the exit code and stderr.
    func spawn(_ executable: String, _ arguments: [String],
               standardOutput: FileHandle = .nullDevice) throws -> (code: Int32, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardOutput = standardOutput
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("forecast").path
    }

    // MARK: Family 3: every failure to write an output exits 73 and names the path.

    @Test func aStoreThatCannotBeWrittenExits73NamingIt() throws {
        let missingDirectory = temporaryPath("no-such-dir") + "/runs.db"
        let missing = try run(["backtest", air] + baselines + ["--db", missingDirectory])
        #expect(missing.code == 73, "\(missing.err)")
        #expect(missing.err == "forecast: error: \(missingDirectory): cannot write the store: no such directory \((missingDirectory as NSString).deletingLastPathComponent)\n")

        let directory = temporaryPath("dir.db")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let intoDirectory = try run(["backtest", air] + baselines + ["--db", directory])
        #expect(intoDirectory.code == 73 && intoDirectory.err.contains("\(directory): cannot write the store: is a directory"),
                "\(intoDirectory.err)")
        // Reading one is missing input, said in a sentence (SQLite's own words were "disk I/O error").
        let runs = try run(["runs", "--db", directory])
        #expect(runs.code == 66 && runs.err == "forecast: error: \(directory): is a directory, not a store (a store is a SQLite file)\n",
                "\(runs.err)")

        let device = try run(["backtest", air] + baselines + ["--db", "/dev/full"])
        #expect(device.code == 73 && device.err.contains("/dev/full: cannot write the store: is a character device"), "\(device.err)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// A store on a full disk: the file-size limit (`ulimit -f`, SIGXFSZ ignored) makes the
    /// kernel refuse writes past 20 kB with EFBIG, as a full disk refuses them with ENOSPC.
    @Test func aFullDiskExits73WithTheSystemsReason() throws {
        let db = temporaryPath("full.db")
        let (code, message) = try spawn("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f 40; exec \"$0\" \"$@\"", binary, "backtest",
                                                    air, "--models", "naive,drift,mean", "--db", db])
        #expect(code == 73, "\(message)")
        #expect(message == "forecast: error: \(db): cannot write the store: disk I/O error (File too large)\n")
    }

    @Test func resultsWrittenToAFullStandardOutputExit73() throws {
        for arguments in [["inspect", air], ["backtest", air] + baselines] {
            let (code, message) = try spawn(binary, arguments, standardOutput: try #require(FileHandle(forWritingAtPath: "/dev/full")))
            #expect(code == 73, "\(arguments[0]): \(message)")
            #expect(message == "forecast: error: standard output: cannot write the results: No space left on device\n")
        }
    }

    // MARK: Family 4: the store opens only its own databases, and is safe to create at once.

    @Test func anotherProgramsDatabaseIsRefusedAndLeftUnchanged() throws {
        let db = temporaryPath("foreign.db")
        _ = try python("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE readings(t, v)'); "
                       + "c.execute('INSERT INTO readings VALUES (1, 2.5)'); c.commit()", [db])
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for arguments in [["backtest", air] + baselines + ["--db", db], ["predict", air, "--max-steps", "5", "--hidden", "4", "--db", db],
                          ["runs", "--db", db], ["query", "--db", db, "SELECT 1"]] {
            let result = try run(arguments)
            #expect(result.code == 65, "\(arguments[0]): \(result.err)")
            #expect(result.err == "forecast: error: \(db): not a store of this tool: a SQLite database with tables of its own (readings); it was left unchanged\n",
                    "\(arguments[0])")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"))
        #expect(try python("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode').fetchone()[0])", [db]) == "delete")
    }

    @Test func aFileThatIsNotSQLiteGetsOneLineNamingIt() throws {
        let text = temporaryPath("notes.db")
        try "these are not the droids\n".write(toFile: text, atomically: false, encoding: .utf8)
        let store = temporaryPath("whole.db")
        #expect(try run(["backtest", air] + baselines + ["--db", store]).code == 0)
        let truncated = temporaryPath("truncated.db")
        try Data(try Data(contentsOf: URL(fileURLWithPath: store)).prefix(3000)).write(to: URL(fileURLWithPath: truncated))
        for db in [text, truncated] {
            for arguments in [["runs", "--db", db], ["backtest", air] + baselines + ["--db", db]] {
                let result = try run(arguments)
                #expect(result.code == 65, "\(arguments[0]) \(db): \(result.err)")
                #expect(result.err.hasPrefix("forecast: error: \(db): not a store of this tool: not a SQLite database, or a damaged one (")
                        && result.err.split(separator: "\n").count == 1, "\(result.err)")
            }
        }
    }

    /// Four processes creating the same new store at once all succeed (the schema version was
    /// read outside the write transaction: one in four failed with "table runs already exists").
    @Test func processesCreatingOneStoreAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let db = temporaryPath("together-\(round).db")
            let processes = try (0..<4).map { _ in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = ["backtest", air, "--models", "naive", "--db", db]
                process.currentDirectoryURL = packageRoot
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                return process
            }
            for process in processes { process.waitUntilExit() }
            #expect(processes.map(\.terminationStatus) == [0, 0, 0, 0], "round \(round)")
            let runs = try run(["query", "--db", db, "--format", "csv", "SELECT count(*) FROM runs WHERE status = 'complete'"])
            #expect(runs.out == "count(*)\n4\n", "round \(round): \(runs.err)")
        }
    }

    // MARK: Family 5: query and --sql run exactly one statement; rows stream.

    @Test func exactlyOneStatement() throws {
        let db = temporaryPath("one.db")
        #expect(try run(["backtest", air] + baselines + ["--db", db]).code == 0)
        let two = try run(["query", "--db", db, "SELECT 1; DELETE FROM runs"])
        #expect(two.code == 65 && two.err == "forecast: error: query: one SQL statement only; after the first comes \"DELETE FROM runs\"\n",
                "\(two.err)")
        #expect(try run(["query", "--db", db, "--format", "csv", "SELECT count(*) FROM runs"]).out == "count(*)\n1\n")
        #expect(try run(["query", "--db", db, "--format", "csv", "SELECT 2; -- a comment after it is fine\n"]).out == "2\n2\n")
        #expect(try run(["query", "--db", db, "/* nothing but a comment */"]).code == 65)

        let sql = try run(["inspect", "--sqlite", db, "--sql", "SELECT step AS t, forecast FROM forecasts; DROP TABLE runs",
                           "--time-column", "t"])
        #expect(sql.code == 65 && sql.err.contains("one SQL statement only"), "\(sql.err)")
    }

    @Test func rowsStreamWithLimitAndTimeout() throws {
        let db = temporaryPath("stream.db")
        #expect(try run(["backtest", air] + baselines + ["--db", db]).code == 0)
        let count = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d) SELECT x, x * 0.5 AS half, 'row' AS label FROM c"
        // A million rows in a few MB: the peak resident size of the process, read by its parent.
        let peak = try python("""
            import resource, subprocess, sys
            done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
            print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """, [binary, "query", "--db", db, "--format", "csv", String(format: count, 1_000_000)])
        let fields = peak.split(separator: " ").compactMap { Int($0) }
        #expect(fields.count == 2 && fields[0] == 0, "\(peak)")
        #expect((fields.last ?? .max) < 64 * 1024, "peak resident size \(peak) kB for a million rows")

        let limited = try run(["query", "--db", db, "--format", "csv", "--limit", "3", String(format: count, 100)])
        #expect(limited.out == "x,half,label\n1,0.5,row\n2,1.0,row\n3,1.5,row\n")
        #expect(try run(["query", "--db", db, "--format", "json", "--limit", "0", String(format: count, 100)]).out == "[]\n")
        let json = try run(["query", "--db", db, "--format", "json", "--limit", "2", String(format: count, 100)])
        #expect(json.out == "[\n  {\n    \"x\": 1,\n    \"half\": 0.5,\n    \"label\": \"row\"\n  },\n  {\n    \"x\": 2,\n    \"half\": 1,\n    \"label\": \"row\"\n  }\n]\n")
        // Past the rows that set a table's widths, lines keep them (wider cells push out).
        let table = try run(["query", "--db", db, String(format: count, 1500)])
        let lines = table.out.split(separator: "\n")
        #expect(lines.count == 1501 && lines[0] == "   x   half  label" && lines[1000] == "1000    500  row"
                && lines[1001] == "1001  500.5  row" && lines[1500] == "1500    750  row", "\(lines.last ?? "")")

        let slow = try run(["query", "--db", db, "--timeout", "0.3", "--format", "csv",
                            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c"])
        #expect(slow.code == 1 && slow.err == "forecast: error: query: interrupted after --timeout 0.3 seconds (0 rows printed)\n",
                "\(slow.err)")
        #expect(try run(["query", "--db", db, "--limit", "-1", "SELECT 1"]).err.contains("--limit must be 0 or more, got -1."))
        #expect(try run(["query", "--db", db, "--timeout", "0", "SELECT 1"]).code == 64)
    }
}
