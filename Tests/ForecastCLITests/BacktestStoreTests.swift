import Foundation
import Testing
import TestSupport

/// `backtest --db`, `runs`, `report`, `query`, `plot`: the store as users meet it.
@Suite(.serialized) struct BacktestStoreTests {
    let air = "datasets/air_passengers_monthly.csv"
    /// A small GRU, so that a backtest takes a few seconds.
    let small = ["--hidden", "6", "--max-steps", "60", "--normalization", "window-seasonal"]

    func sqlite(_ db: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchall())", db, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func storedRunReportsQueriesAndPlots() throws {
        let db = temporaryPath("runs.db")
        let backtest = try run(["backtest", air, "--models", "gru,naive,seasonal-naive", "--quantiles", "0.1,0.5,0.9",
                                "--db", db] + small)
        #expect(backtest.code == 0, "\(backtest.err)")
        #expect(backtest.out.hasSuffix("run 1\n"))
        // report prints the same table from the store.
        let report = try run(["report", "--db", db, "--run", "1"])
        #expect(report.code == 0 && report.out == backtest.out, "\(report.err)")
        #expect(report.out.contains("pinball") && report.out.contains("cov80"))

        let runs = try run(["runs", "--db", db, "--format", "csv"])
        #expect(runs.out.contains(",backtest,complete,\(air),passengers_thousands,\"gru,naive,seasonal-naive\",10/10"))
        #expect(try sqlite(db, "SELECT count(*), count(lower), count(actual) FROM forecasts") == "[(360, 120, 360)]")
        #expect(try sqlite(db, "SELECT count(*) FROM quantiles") == "[(360,)]")
        #expect(try sqlite(db, "SELECT count(*) FROM origins") == "[(10,)]")
        #expect(try sqlite(db, "SELECT value FROM metrics WHERE model = 'naive' AND step IS NULL AND metric = 'mase'")
                .hasPrefix("[(2.06843676"))
        #expect(try sqlite(db, "SELECT count(*) FROM metrics WHERE model = 'gru' AND metric LIKE 'coverage_0.8'") == "[(13,)]")

        let query = try run(["query", "--db", db, "--format", "json",
                             "SELECT model, value FROM metrics WHERE step IS NULL AND metric = 'mase' ORDER BY model"])
        #expect(query.code == 0, "\(query.err)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(query.out.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["model"] as? String } == ["gru", "naive", "seasonal-naive"])
        let write = try run(["query", "--db", db, "DELETE FROM runs"])
        #expect(write.code == 65 && write.err.contains("only statements that read"))
        #expect(try sqlite(db, "SELECT count(*) FROM runs") == "[(1,)]")
        #expect(try run(["query", "--db", db, "SELEC 1"]).code == 65)
        #expect(try run(["runs", "--db", temporaryPath("none.db")]).code == 66)

        let svg = temporaryPath("plot.svg")
        let plot = try run(["plot", "--db", db, "--run", "1", "-o", svg, "--origins", "2,10"])
        #expect(plot.code == 0, "\(plot.err)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("<polygon") && text.contains("MAE by horizon step"))
        #expect(try run(["plot", "--db", db, "--run", "1", "-o", svg, "--origins", "11"]).code == 64)
    }

    /// Issue 14, family 6: an infinite MASE (a constant training window) is stored as an
    /// infinity, so `report` prints "inf" as the live run did, not NaN.
    @Test func infiniteMetricsReportAsTheyPrinted() throws {
        var text = "date,v\n"
        for day in 1...30 { text += "2020-01-\(day < 10 ? "0" : "")\(day),\(day <= 27 ? 5 : day)\n" }
        let path = temporaryPath("constant.csv"), db = temporaryPath("constant.db")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let backtest = try run(["backtest", path, "--models", "naive", "--origins", "1", "--horizon", "3", "--db", db])
        #expect(backtest.code == 0, "\(backtest.err)")
        #expect(backtest.out.contains("inf"), "\(backtest.out)")
        let report = try run(["report", "--db", db, "--run", "1"])
        #expect(report.out == backtest.out, "\(report.out)")
        #expect(try sqlite(db, "SELECT count(*) FROM metrics WHERE metric = 'mase' AND value > 1e308") == "[(4,)]")
        // An unbounded interval (upper bound +inf, read back as an infinity) is drawn to the
        // panel's edge: valid SVG, no "inf" in its coordinates.
        let edit = Process()
        edit.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        edit.arguments = ["python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('UPDATE forecasts SET lower = forecast - 1, upper = 1e999'); c.commit()", db]
        try edit.run()
        edit.waitUntilExit()
        #expect(try sqlite(db, "SELECT count(*) FROM forecasts WHERE upper > 1e308") == "[(3,)]")
        let svg = temporaryPath("unbounded.svg")
        let plot = try run(["plot", "--db", db, "--run", "1", "-o", svg])
        #expect(plot.code == 0, "\(plot.err)")
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(drawn.contains("<polygon") && !drawn.contains("inf") && !drawn.contains("nan"), "\(drawn.prefix(400))")
    }

    /// The engine's own threads: origins fitted on one or two threads give the same bits,
    /// in the report and in every stored forecast and interval.
    @Test func oneAndTwoJobsGiveTheSameBits() throws {
        var stored: [String] = []
        var reports: [String] = []
        for jobs in ["1", "2"] {
            let db = temporaryPath("jobs-\(jobs).db")
            let result = try run(["backtest", air, "--models", "gru,naive", "--quantiles", "0.1,0.5,0.9", "--jobs", jobs,
                                  "--format", "json", "--db", db] + small)
            #expect(result.code == 0, "\(result.err)")
            reports.append(result.out)
            // Python's repr of a float round-trips: equal text is equal bits.
            stored.append(try sqlite(db, "SELECT model, origin, step, forecast, lower, upper FROM forecasts ORDER BY model, origin, step"))
        }
        #expect(reports[0] == reports[1])
        #expect(stored[0] == stored[1])
        #expect(stored[0].components(separatedBy: "('gru'").count - 1 == 120, "\(stored[0].prefix(300))")
    }

    /// The search over the network's settings chooses the same for the same seed on one or
    /// two threads: the same stored forecasts and the same fits (settings, notes).
    @Test func theSearchChoosesTheSameForAnyJobs() throws {
        var stored: [String] = [], fits: [String] = []
        for jobs in ["1", "2"] {
            let db = temporaryPath("search-\(jobs).db")
            let result = try run(["backtest", air, "--models", "gru", "--search", "quick", "--origins", "3", "--jobs", jobs,
                                  "--hidden", "6", "--max-steps", "60", "--format", "csv", "--db", db])
            #expect(result.code == 0, "\(result.err)")
            stored.append(try sqlite(db, "SELECT origin, step, forecast FROM forecasts ORDER BY origin, step"))
            fits.append(try sqlite(db, "SELECT origin, settings_json, note FROM fits ORDER BY origin"))
        }
        #expect(stored[0] == stored[1])
        #expect(fits[0] == fits[1])
        // A fit per origin, each naming the search and the candidates it tried.
        #expect(fits[0].components(separatedBy: "\"search\":\"quick\"").count - 1 == 3, "\(fits[0].prefix(400))")
        #expect(fits[0].contains("the search tried"))
    }

    /// Early origins of a short series: a window shortened to what the rows allow, or the
    /// baseline's forecast where not even a window of a season fits; the backtest says so on
    /// stderr and the fits table says why, origin by origin.
    @Test func shortOriginsShortenTheWindowOrFallBackAndSaySo() throws {
        let short = temporaryPath("air60.csv"), db = temporaryPath("short.db")
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(air).path, encoding: .utf8).split(separator: "\n")
        try (lines[0...60].joined(separator: "\n") + "\n").write(toFile: short, atomically: false, encoding: .utf8)
        // Origins at 24, 32, 40 and 48 rows; a default window of 36 needs 36 + 12 + 8 - 1.
        let result = try run(["backtest", short, "--models", "gru,seasonal-naive", "--origins", "4", "--step", "8",
                              "--hidden", "6", "--max-steps", "60", "--format", "csv", "--db", db])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err.contains("gru: of 4 fits,") && result.err.contains("1 with the baseline alone")
                && result.err.contains("3 with a window shortened to a short history"), "\(result.err)")
        let notes = try sqlite(db, "SELECT origin, note FROM fits ORDER BY origin")
        #expect(notes.contains("(1, 'the forecast is seasonal-naive alone, no network: the history has 24 rows, fewer than the 26 a window of 13 needs')"), "\(notes)")
        #expect(notes.contains("(2, 'input window 13 instead of 36: the history has 32 rows"), "\(notes)")
        // At the first origin the network's forecast is seasonal naive's.
        let first = "SELECT step, forecast FROM forecasts WHERE origin = 1 AND model = '%@' ORDER BY step"
        #expect(try sqlite(db, first.replacingOccurrences(of: "%@", with: "gru"))
                == (try sqlite(db, first.replacingOccurrences(of: "%@", with: "seasonal-naive"))))
    }

    /// A Student-t head in a backtest: its sampled quantiles give the interval metrics and CRPS,
    /// stored with the run; the head is in the run's configuration.
    @Test func aStudentTHeadIsScoredWithItsIntervals() throws {
        let db = temporaryPath("student-t.db")
        let result = try run(["backtest", air, "--models", "gru", "--student-t", "--origins", "2", "--hidden", "6",
                              "--max-steps", "60", "--format", "csv", "--db", db])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.hasPrefix("model,series,h,n,mae,rmse,mape,smape,mase,bias,pinball_0.025"), "\(result.out.prefix(200))")
        #expect(try sqlite(db, "SELECT count(*) > 0, min(value) > 0 FROM metrics WHERE metric = 'crps' AND step IS NULL") == "[(1, 1)]")
        #expect(try sqlite(db, "SELECT json_extract(config_json, '$.head') FROM runs") == "[('Student-t',)]")
    }

    /// `predict --db` and `update --db` store forecasts; `plot --actuals` draws them against
    /// the values that arrived, matched by time, and says how far off each was.
    @Test func predictRunsPlottedAgainstActuals() throws {
        let db = temporaryPath("predict.db")
        let past = temporaryPath("past.csv"), new = temporaryPath("new.csv"), model = temporaryPath("past.safetensors")
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(air).path, encoding: .utf8)
            .split(separator: "\n")
        try (lines[0...120].joined(separator: "\n") + "\n").write(toFile: past, atomically: false, encoding: .utf8)
        try ([lines[0]] + lines[121...123]).joined(separator: "\n").write(toFile: new, atomically: false, encoding: .utf8)
        let train = try run(["train", past, "--max-steps", "40", "--hidden", "4", "--quantiles", "0.1,0.5,0.9",
                             "--model-out", model])
        #expect(train.code == 0, "\(train.err)")
        let predicted = try run(["predict", "--model", model, past, "--db", db, "--format", "csv"])
        #expect(predicted.code == 0, "\(predicted.err)")
        let updated = try run(["update", "--model", model, new, "--db", db, "--format", "csv"])
        #expect(updated.code == 0, "\(updated.err)")
        #expect(try sqlite(db, "SELECT id, kind, status FROM runs") == "[(1, 'predict', 'complete'), (2, 'predict', 'complete')]")
        #expect(try sqlite(db, "SELECT min(target_time), count(lower) FROM forecasts WHERE run_id = 2") == "[('1959-04-01', 12)]")

        let svg = temporaryPath("actuals.svg")
        let plot = try run(["plot", "--db", db, "--run", "1,2", "--actuals", air, "-o", svg])
        #expect(plot.code == 0, "\(plot.err)")
        let summary = plot.out.split(separator: "\n")
        #expect(summary.count == 3 && summary[2] == "wrote \(svg)", "\(plot.out)")
        // Run 1 forecasts 1959-01 .. 1959-12 (all in the file); run 2 starts three months later.
        #expect(summary[0].hasPrefix("run 1: 12 of 12 steps have actuals, MAE "), "\(plot.out)")
        #expect(summary[1].hasPrefix("run 2: 12 of 12 steps have actuals, MAE "), "\(plot.out)")
        // The error printed is the mean absolute difference from the file's values.
        let forecasts = predicted.out.split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",")[2]) }
        let actual = lines[121...132].compactMap { Double($0.split(separator: ",")[1]) }
        let mae = zip(forecasts, actual).map { abs($0 - $1) }.reduce(0, +) / 12
        let printed = Double(summary[0].split(separator: " ")[9].dropLast()) ?? .nan
        #expect(abs(printed - mae) <= 1e-3 * mae, "\(printed) against \(mae)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("forecasts of runs 1, 2 against air_passengers_monthly.csv"))
        #expect(text.contains("absolute error by horizon step") && text.contains("<polygon"))

        let backtestDB = temporaryPath("bt.db")
        _ = try run(["backtest", air, "--models", "naive", "--db", backtestDB])
        let wrongKind = try run(["plot", "--db", backtestDB, "--run", "1", "--actuals", air, "-o", svg])
        #expect(wrongKind.code == 64 && wrongKind.err.contains("run 1 is a backtest run"), "\(wrongKind.err)")
        #expect(try run(["plot", "--db", db, "--run", "1,2", "-o", svg]).code == 64)
        let noTarget = try run(["plot", "--db", db, "--run", "1", "--actuals", "datasets/msft_daily.csv", "-o", svg])
        #expect(noTarget.code == 65 && noTarget.err.contains("passengers_thousands"), "\(noTarget.err)")
    }

    /// Every bundled series, baselines and a small GRU, into one store; then report and plot each run.
    @Test func backtestReportAndPlotEveryBundledDataset() throws {
        let db = temporaryPath("all.db")
        let files = ["air_passengers_monthly", "ausbeer_quarterly", "elnino_sst_monthly", "frozen_orange_juice_monthly",
                     "us_gasoline_weekly", "taylor_electricity_halfhourly", "msft_daily", "nyc_ewr_weather_hourly"]
        for (i, file) in files.enumerated() {
            let target = ["frozen_orange_juice_monthly": "oj_price", "msft_daily": "close",
                          "nyc_ewr_weather_hourly": "temperature_f"][file]
            var args = ["backtest", "datasets/\(file).csv", "--models", "gru,naive,seasonal-naive,drift,mean", "--db", db,
                        "--hidden", "4", "--max-steps", "5", "--normalization", "window-naive"]
            if let target { args += ["--target", target] }
            let result = try run(args)
            #expect(result.code == 0, "\(file): \(result.err)")
            #expect(result.out.contains("walk-forward, \(["us_gasoline_weekly", "taylor_electricity_halfhourly", "msft_daily", "nyc_ewr_weather_hourly"].contains(file) ? 20 : 10) origins"), "\(file)")
            let report = try run(["report", "--db", db, "--run", String(i + 1)])
            #expect(report.out == result.out, "\(file)")
            let svg = temporaryPath("\(file).svg")
            #expect(try run(["plot", "--db", db, "--run", String(i + 1), "-o", svg]).code == 0, "\(file)")
        }
        #expect(try sqlite(db, "SELECT count(*) FROM runs WHERE status = 'complete'") == "[(8,)]")
    }

    @Test func killedRunResumesToTheSameNumbers() throws {
        let db = temporaryPath("killed.db")
        // Forty origins of 600 steps each (no early stopping): about five seconds, so the poll below sees three
        // origins in long before the last. With `small` the ten origins took 0.2 s and could all land between
        // two polls on an idle machine.
        let arguments = ["backtest", air, "--models", "gru,naive", "--jobs", "1", "--format", "json",
                         "--origins", "40", "--step", "1", "--hidden", "6", "--max-steps", "600", "--epochs", "600",
                         "--patience", "1000000", "--normalization", "window-seasonal"]
        // Kill -9 once a few origins are in.
        let stopped = try killAfterOrigins(arguments, db: db, origins: 3)
        #expect(stopped.killed && stopped.recorded == 3, "origins recorded before the kill: \(stopped)")

        #expect(try sqlite(db, "PRAGMA integrity_check") == "[('ok',)]")
        let runs = try run(["runs", "--db", db])
        #expect(runs.out.contains("running"), "\(runs.out)")
        #expect(try run(["report", "--db", db, "--run", "1"]).code == 64)

        let resumed = try run(["backtest", "--resume", "1", "--db", db, "--format", "json"])
        #expect(resumed.code == 0, "\(resumed.err)")
        let straight = try run(arguments)
        #expect(resumed.out.replacingOccurrences(of: "\"run\": 1", with: "\"run\": null") == straight.out)
        #expect(try run(["runs", "--db", db]).out.contains("complete"))
        #expect(try run(["backtest", "--resume", "1", "--db", db]).code == 64)  // complete already
    }

    /// `--resume` against a store that is not there is missing input and creates nothing.
    @Test func resumeWithoutAStoreExits66AndCreatesNothing() throws {
        let db = temporaryPath("never-made.db")
        let result = try run(["backtest", "--resume", "1", "--db", db])
        #expect(result.code == 66, "\(result.err)")
        #expect(result.err == "forecast: error: \(db): no such store (--resume continues a run stored there)\n")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func readersReadWhileABacktestWrites() throws {
        let db = temporaryPath("busy.db")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("forecast")
        let process = Process()
        process.executableURL = binary
        // Many quick origins: a transaction every few milliseconds.
        process.arguments = ["backtest", "datasets/nyc_ewr_weather_hourly.csv", "--target", "temperature_f",
                             "--models", "naive,seasonal-naive,drift,mean", "--origins", "400", "--step", "12", "--db", db]
        process.currentDirectoryURL = packageRoot
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var reads = 0, failures: [String] = []
        while process.isRunning {
            let out = try run(["query", "--db", db, "--format", "csv", "SELECT count(*) FROM forecasts"])
            if out.code == 0 { reads += 1 } else if !out.err.contains("no such store") && !out.err.contains("not a store") { failures.append(out.err) }
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(failures.isEmpty, "\(failures)")
        #expect(reads >= 1)
        #expect(try sqlite(db, "SELECT count(*) FROM forecasts") == "[(38400,)]")
    }
}

@Suite struct DiagnoseTests {
    @Test func gradientFlowForCellsAndForASavedModel() throws {
        let svg = temporaryPath("flow.svg")
        let cells = try run(["diagnose", "--steps", "30", "--format", "json", "-o", svg])
        #expect(cells.code == 0, "\(cells.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cells.out.utf8)) as? [String: [Double]])
        let rnn = try #require(object["rnn"])
        #expect(Set(object.keys) == ["rnn", "gru", "lstm"] && rnn.count == 30)
        #expect(rnn[29] < 1e-6 * rnn[0])  // steps back: the plain RNN's gradient vanishes
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))

        let model = temporaryPath("air.safetensors")
        #expect(try run(["train", "datasets/air_passengers_monthly.csv", "--hidden", "4", "--max-steps", "10",
                         "--model-out", model]).code == 0)
        let saved = try run(["diagnose", "--model", model, "datasets/air_passengers_monthly.csv", "--format", "csv"])
        #expect(saved.code == 0, "\(saved.err)")
        #expect(saved.out.hasPrefix("steps_back,gru_norm,gru_relative\n0,"))
        #expect(try run(["diagnose", "--model", model]).code == 64)
    }

    /// A distribution or quantile head has several outputs per step but one target: the
    /// gradient flow of such a saved model is reported, never a trap (it trapped in the loss).
    @Test func gradientFlowOfEveryHead() throws {
        for head in [["--gaussian"], ["--student-t"], ["--quantiles", "0.1,0.5,0.9"]] {
            let model = temporaryPath("head.safetensors")
            #expect(try run(["train", "datasets/air_passengers_monthly.csv", "--hidden", "4", "--max-steps", "10",
                             "--normalization", "window-seasonal", "--model-out", model] + head).code == 0)
            let flow = try run(["diagnose", "--model", model, "datasets/air_passengers_monthly.csv", "--format", "csv"])
            #expect(flow.code == 0, "\(head): \(flow.err)")
            #expect(flow.out.hasPrefix("steps_back,gru_norm,gru_relative\n0,"), "\(head)")
        }
    }
}
