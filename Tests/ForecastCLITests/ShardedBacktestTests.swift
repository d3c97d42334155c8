import Foundation
import Testing
import TestSupport

/// Sharded backtests (issue 17): `backtest --shard I/N` into one store per shard, `forecast
/// merge` into one run whose numbers are those of one process.
@Suite(.serialized) struct ShardedBacktestTests {
    /// A small GRU on the three-series panel of `PanelBacktestTests`.
    let small = ["--horizon", "7", "--season", "7", "--hidden", "4", "--max-steps", "40"]

    /// Every row of a table of a store, as `query` prints it in CSV (full precision), run ids left out.
    func rows(_ db: String, _ table: String) throws -> String {
        let columns = [
            "forecasts": "model, series, origin, origin_time, step, target_time, forecast, lower, upper, actual",
            "quantiles": "model, series, origin, step, level, value",
            "metrics": "model, series, step, metric, value, n",
            "origins": "series, origin, train_start, train_length, origin_time",
            "fits": "model, series, origin, settings_json, note",
        ][table]!  // the tables above
        let result = try run(["query", "--db", db, "--format", "csv", "SELECT \(columns) FROM \(table) ORDER BY \(columns)"])
        #expect(result.code == 0, "\(result.err)")
        return result.out
    }

    /// Runs `arguments` in one process and in `count` shards, merges the shards, and expects
    /// the merged store to hold the one process's origins, forecasts, quantiles, metrics and fits,
    /// to the last bit, its run complete with every shard, and `merge` to print its report.
    func expectShardsEqualOneProcess(_ arguments: [String], count: Int) throws {
        let single = temporaryPath("single.db"), merged = temporaryPath("merged.db")
        let whole = try run(arguments + ["--db", single])
        #expect(whole.code == 0, "\(whole.err)")
        let shards = (0..<count).map { temporaryPath("shard-\($0).db") }
        for (i, db) in shards.enumerated() {
            let part = try run(arguments + ["--shard", "\(i)/\(count)", "--db", db, "--jobs", "1"])
            #expect(part.code == 0, "\(part.err)")
            #expect(part.out.contains("shard \(i)/\(count) done"), "\(part.out)")
        }
        let merge = try run(["merge", "--db", merged] + shards.reversed())
        #expect(merge.code == 0, "\(merge.err)")
        for table in ["origins", "forecasts", "quantiles", "metrics", "fits"] {
            #expect(try rows(merged, table) == rows(single, table), "\(table)")
        }
        let status = try run(["query", "--db", merged, "--format", "csv", "SELECT status, shard_count, shard IS NULL FROM runs"])
        #expect(status.out.hasSuffix("\ncomplete,\(count),1\n"), "\(status.out)")
        #expect(merge.out == whole.out, "\(merge.out)\n\(whole.out)")
    }

    @Test func perSeriesShardsEqualOneProcess() throws {
        let file = temporaryPath("panel.csv")
        try PanelBacktestTests().panel(file)
        try expectShardsEqualOneProcess(["backtest", file, "--series-column", "id", "--no-global", "--models",
                                         "gru,seasonal-naive,drift", "--origins", "2", "--quantiles", "0.1,0.5,0.9"] + small,
                                        count: 3)
    }

    @Test func globalShardsByOriginAndByWarmChainEqualOneProcess() throws {
        let file = temporaryPath("panel.csv")
        try PanelBacktestTests().panel(file)
        let base = ["backtest", file, "--series-column", "id", "--global", "--models", "gru,seasonal-naive", "--origins", "4"] + small
        try expectShardsEqualOneProcess(base + ["--refit", "cold"], count: 3)
        try expectShardsEqualOneProcess(base + ["--refit", "cold"], count: 1)  // a run of one shard merges too
        try expectShardsEqualOneProcess(base + ["--refit", "warm", "--warm-chain", "2"], count: 2)
    }

    @Test func oneSeriesShardsByOriginEqualOneProcess() throws {
        try expectShardsEqualOneProcess(["backtest", "datasets/air_passengers_monthly.csv", "--models", "gru,naive",
                                         "--hidden", "4", "--max-steps", "40"], count: 4)
    }

    /// A merge of some shards leaves the run running with the missing ones listed; merging a
    /// store again adds nothing; a shard of another run (other flags, other data) is refused
    /// with the difference named and the output left as it was; a shard cannot run twice into
    /// one store, nor without a store.
    @Test func mergesAreIdempotentAndRefuseOtherRuns() throws {
        let file = temporaryPath("panel.csv"), other = temporaryPath("other.csv")
        try PanelBacktestTests().panel(file)
        try PanelBacktestTests().panel(other, cut: { _ in 1 })
        let base = ["backtest", file, "--series-column", "id", "--models", "seasonal-naive,naive", "--origins", "3",
                    "--horizon", "7", "--season", "7"]
        let shards = (0..<3).map { temporaryPath("s\($0).db") }
        for (i, db) in shards.enumerated() {
            #expect(try run(base + ["--shard", "\(i)/3", "--db", db]).code == 0)
        }
        // A shard started again (a job's retry) finds itself done; another shard's store is refused.
        let again = try run(base + ["--shard", "1/3", "--db", shards[1]])
        #expect(again.code == 0 && again.out.contains("shard 1/3 done"), "\(again.err)")
        let wrong = try run(base + ["--shard", "2/3", "--db", shards[1]])
        #expect(wrong.code == 64 && wrong.err.contains("holds shard 1/3 of this run"), "\(wrong.err)")
        #expect(try run(base + ["--shard", "1/3"]).code == 64)
        #expect(try run(base + ["--shard", "3/3", "--db", temporaryPath("x.db")]).code == 64)

        let out = temporaryPath("out.db")
        let partial = try run(["merge", "--db", out, shards[0], shards[2]])
        #expect(partial.code == 0, "\(partial.err)")
        let runs = try run(["runs", "--db", out, "--format", "csv"])
        #expect(runs.out.contains(",running,") && runs.out.contains("2/3 (missing 1)"), "\(runs.out)")
        #expect(try run(["report", "--db", out, "--run", "1"]).code != 0)
        let before = try rows(out, "forecasts")
        let twice = try run(["merge", "--db", out, shards[2], shards[0]])
        #expect(twice.code == 0 && twice.err.contains("already in"), "\(twice.err)")
        #expect(try rows(out, "forecasts") == before)

        // Another command's (a flag more) or another file's shard: refused, the output unchanged.
        let seeded = temporaryPath("seeded.db"), cut = temporaryPath("cut.db")
        #expect(try run(base + ["--seed", "7", "--shard", "1/3", "--db", seeded]).code == 0)
        var otherData = base
        otherData[1] = other
        #expect(try run(otherData + ["--shard", "1/3", "--db", cut]).code == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        let refused = try run(["merge", "--db", out, shards[0], seeded])
        #expect(refused.code == 65 && refused.err.contains("another run") && refused.err.contains("\"--seed\",\"7\"]"), "\(refused.err)")
        let otherFile = try run(["merge", "--db", out, shards[0], cut])
        #expect(otherFile.code == 65 && otherFile.err.contains("other data (hash"), "\(otherFile.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == bytes)
        #expect(try run(["merge", "--db", temporaryPath("new.db"), shards[0], seeded]).code == 65)

        let complete = try run(["merge", "--db", out, shards[1]])
        #expect(complete.code == 0 && complete.out.contains("3 series: walk-forward"), "\(complete.err)\(complete.out)")
        #expect(try run(["runs", "--db", out, "--format", "csv"]).out.contains(",complete,"))
        let report = try run(["report", "--db", out, "--run", "1"])
        #expect(report.code == 0 && report.out == complete.out)
        #expect(try run(["merge", "--db", out] + shards).out == complete.out)
        #expect(try run(["merge", "--db", shards[0], shards[1]]).code == 64)  // into a shard's own store
        #expect(try run(["report", "--db", shards[0], "--run", "1"]).code == 64)
    }

    /// A killed shard is refused by the merge, naming how to finish it; started again, it
    /// resumes its own run as the same shard, and the merged run equals one process's.
    @Test func aKilledShardResumesAsItselfAndThenMerges() throws {
        let arguments = ["backtest", "datasets/air_passengers_monthly.csv", "--models", "gru,naive", "--hidden", "8",
                         "--max-steps", "400", "--jobs", "1"]
        let single = temporaryPath("single.db"), merged = temporaryPath("merged.db")
        #expect(try run(arguments + ["--db", single]).code == 0)
        let shards = (0..<2).map { temporaryPath("shard-\($0).db") }
        #expect(try run(arguments + ["--shard", "0/2", "--db", shards[0]]).code == 0)
        let stopped = try killAfterOrigins(arguments + ["--shard", "1/2"], db: shards[1], origins: 1)
        #expect(stopped.killed && stopped.recorded == 1, "origins recorded before the kill: \(stopped)")
        let refused = try run(["merge", "--db", merged] + shards)
        #expect(refused.code == 65 && refused.err.contains("`forecast backtest --resume 1 --db \(shards[1])`"), "\(refused.err)")
        // Started again as it was (a job's retry), the shard goes on where it stopped.
        let resumed = try run(arguments + ["--shard", "1/2", "--db", shards[1]])
        #expect(resumed.code == 0 && resumed.out.contains("shard 1/2 done"), "\(resumed.err)\(resumed.out)")
        let runs = try run(["query", "--db", shards[1], "--format", "csv", "SELECT count(*) FROM runs"])
        #expect(runs.out.hasSuffix("\n1\n"), "\(runs.out)")
        #expect(try run(["merge", "--db", merged] + shards).code == 0)
        for table in ["origins", "forecasts", "metrics"] {
            #expect(try rows(merged, table) == rows(single, table), "\(table)")
        }
    }

    /// Issue 29, family 4: a shard store that claims to be finished but lacks an origin (or an
    /// origin's forecasts) is refused before anything is copied: OUT is left as it was (not
    /// even created), and the good copy of that shard then merges.
    @Test func aShardIsCheckedBeforeItIsCopied() throws {
        let arguments = ["backtest", "datasets/air_passengers_monthly.csv", "--models", "naive,drift", "--origins", "4"]
        let shards = (0..<2).map { temporaryPath("good-\($0).db") }
        for (i, db) in shards.enumerated() { #expect(try run(arguments + ["--shard", "\(i)/2", "--db", db]).code == 0) }
        let lacking = temporaryPath("lacking.db"), stepless = temporaryPath("stepless.db")
        for crafted in [lacking, stepless] { try FileManager.default.copyItem(atPath: shards[1], toPath: crafted) }
        // Python's sqlite3 in autocommit mode, as another program would damage a store.
        #expect(try shell("python3", "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2])",
                          lacking, "DELETE FROM origins WHERE origin = 4") == 0)
        #expect(try shell("python3", "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2])",
                          stepless, "DELETE FROM forecasts WHERE origin = 4 AND step = 3 AND model = 'drift'") == 0)
        let out = temporaryPath("out.db")
        let refused = try run(["merge", "--db", out, shards[0], lacking])
        #expect(refused.code == 65 && refused.err.contains("\(lacking): shard 1 of 2 holds 1 origins where the run's plan gives it 2 (it lacks series"),
                "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try run(["merge", "--db", out, shards[0]]).code == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        let steps = try run(["merge", "--db", out, stepless])
        #expect(steps.code == 65 && steps.err.contains("drift forecasts of steps [1, 2, 4, 5"), "\(steps.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == bytes)
        let good = try run(["merge", "--db", out, shards[1]])
        #expect(good.code == 0 && good.out.contains("walk-forward"), "\(good.err)")
    }

    /// Issue 29, family 4: eight merges into one new store at once all succeed (one begins the
    /// run, the others find it), and the run ends complete with every shard.
    @Test func eightMergesIntoOneNewStoreAtOnceAllSucceed() throws {
        let arguments = ["backtest", "datasets/air_passengers_monthly.csv", "--models", "naive", "--origins", "8"]
        let shards = (0..<8).map { temporaryPath("s\($0).db") }
        for (i, db) in shards.enumerated() { #expect(try run(arguments + ["--shard", "\(i)/8", "--db", db]).code == 0) }
        for round in 0..<3 {
            let out = temporaryPath("together-\(round).db")
            let processes = try shards.map { shard in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                    .appendingPathComponent("forecast")
                process.arguments = ["merge", "--db", out, shard]
                process.currentDirectoryURL = packageRoot
                process.standardOutput = FileHandle.nullDevice
                let err = Pipe()
                process.standardError = err
                try process.run()
                return (process, err)
            }
            for (process, err) in processes {
                process.waitUntilExit()
                let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                #expect(process.terminationStatus == 0, "round \(round): \(message)")
            }
            let runs = try run(["query", "--db", out, "--format", "csv", "SELECT count(*), max(status) FROM runs"])
            #expect(runs.out == "count(*),max(status)\n1,complete\n", "round \(round): \(runs.out)")
            let merged = try run(["query", "--db", out, "--format", "csv", "SELECT count(*) FROM shards"])
            #expect(merged.out.hasSuffix("\n8\n"), "\(merged.out)")
        }
    }
}
