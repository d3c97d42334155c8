import Foundation
import Testing
import TestSupport

/// Backtests over the series of a long-format file (issue 16): global networks per origin,
/// one report across series, the store's aggregate rows.
@Suite(.serialized) struct PanelBacktestTests {
    /// A small GRU, so that a panel backtest takes a second or two.
    let small = ["--horizon", "7", "--season", "7", "--hidden", "4", "--max-steps", "40"]

    /// Three daily series of different lengths and levels, with a weekly season (the
    /// longest first); `cut(name)` rows are left off the end of each series.
    func panel(_ path: String, cut: (String) -> Int = { _ in 0 }) throws {
        var rows = ["id,date,value"]
        for (name, length, level) in [("long", 130, 100.0), ("mid", 110, 10.0), ("short", 95, 1000.0)] {
            let start = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
            for t in 0..<(length - cut(name)) {
                let day = ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(t) * 86_400)).prefix(10)
                let value = level * (1 + 0.2 * sin(2 * Double.pi * Double(t) / 7)) + 0.01 * level * Double((t * 37) % 11)
                rows.append("\(name),\(day),\(value)")
            }
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    func json(_ text: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return try #require(object?["metrics"] as? [[String: Any]])
    }

    /// The stored forecasts of a global backtest's last origin equal, series by series, those
    /// of `train` (a global model) on every series cut at that origin and `predict`.
    @Test func globalBacktestEqualsTrainAndPredictAtTheOrigin() throws {
        let file = temporaryPath("panel.csv"), db = temporaryPath("panel.db")
        try panel(file)
        let backtest = try run(["backtest", file, "--series-column", "id", "--global", "--models", "gru,seasonal-naive",
                                "--origins", "2", "--refit", "cold", "--db", db, "--jobs", "2"] + small)
        #expect(backtest.code == 0, "\(backtest.err)")
        // Origins count from each series' own end: the last one leaves out each series' last week.
        let cut = temporaryPath("cut.csv"), model = temporaryPath("global.safetensors")
        try panel(cut, cut: { _ in 7 })
        let trained = try run(["train", cut, "--series-column", "id", "--model-out", model] + small)
        #expect(trained.code == 0, "\(trained.err)")
        let predicted = try run(["predict", "--model", model, cut, "--series-column", "id", "--format", "csv"])
        #expect(predicted.code == 0, "\(predicted.err)")
        func forecasts(_ csv: String, series: Int, step: Int, value: Int) -> [String: Double] {
            var out: [String: Double] = [:]
            for line in csv.split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                out["\(cells[series]) \(cells[step])"] = Double(cells[value])
            }
            return out
        }
        let stored = try run(["query", "--db", db, "--format", "csv",
                              "SELECT series, step, forecast FROM forecasts WHERE model = 'gru' AND origin = 2"])
        let got = forecasts(stored.out, series: 0, step: 1, value: 2)
        #expect(got.count == 21)
        #expect(got == forecasts(predicted.out, series: 0, step: 1, value: 3), "\(stored.out)\n\(predicted.out)")
    }

    /// The aggregate rows are the mean over series of the per-series rows (n their total,
    /// skill from the mean MASEs), in JSON and in the store; `report` prints what the
    /// backtest printed; `--jobs` changes nothing.
    @Test func aggregateRowsAreTheMeanOfThePerSeriesRows() throws {
        let file = temporaryPath("panel.csv"), db = temporaryPath("aggregate.db")
        try panel(file)
        let arguments = ["backtest", file, "--series-column", "id", "--models", "gru,naive,seasonal-naive", "--origins", "3"] + small
        let result = try run(arguments + ["--format", "json", "--jobs", "1"])
        #expect(result.code == 0, "\(result.err)")
        let rows = try json(result.out)
        for model in ["gru", "naive", "seasonal-naive"] {
            for step in [1, 4, 7, nil] as [Int?] {
                let matching = rows.filter { $0["model"] as? String == model && ($0["h"] as? Int) == step }
                let perSeries = matching.filter { $0["series"] is String }
                let aggregate = try #require(matching.first { $0["series"] is NSNull })
                #expect(perSeries.count == 3 && aggregate["series_count"] as? Int == 3)
                for metric in ["mae", "rmse", "smape", "mase"] {
                    let mean = perSeries.compactMap { $0[metric] as? Double }.reduce(0, +) / 3
                    let value = try #require(aggregate[metric] as? Double)
                    #expect(abs(value - mean) <= 1e-12 * max(1, abs(mean)), "\(model) \(step as Any) \(metric)")
                }
                #expect(aggregate["n"] as? Int == perSeries.compactMap { $0["n"] as? Int }.reduce(0, +))
                if model == "gru" {
                    let reference = try #require(rows.first { $0["model"] as? String == "seasonal-naive"
                        && ($0["h"] as? Int) == step && $0["series"] is NSNull })
                    let skill = 1 - (aggregate["mase"] as! Double) / (reference["mase"] as! Double)
                    #expect(abs((aggregate["skill"] as? Double ?? .nan) - skill) <= 1e-12)
                }
            }
        }
        #expect(try run(arguments + ["--format", "json", "--jobs", "2"]).out == result.out)

        let table = try run(arguments + ["--db", db, "--per-series", "worst 2"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.hasPrefix("3 series: walk-forward, 3 origins each"), "\(table.out)")
        #expect(table.out.contains("the 2 worst of 3 series by gru MASE"))
        let report = try run(["report", "--db", db, "--run", "1", "--per-series", "worst 2"])
        #expect(report.code == 0 && report.out == table.out, "\(report.err)\n\(report.out)")
        let stored = try run(["query", "--db", db, "--format", "csv",
                              "SELECT count(*) FROM metrics WHERE series IS NULL AND metric = 'series_count' AND value = 3"])
        #expect(stored.out.hasSuffix("\n24\n"), "\(stored.out)")  // three models, seven steps and the overall row
        #expect(try run(arguments + ["--per-series", "worst none"]).code == 64)
        // plot: the worst series by the GRU's MASE above, the aggregate's error by step below.
        let worst = try run(["query", "--db", db, "--format", "csv", "SELECT series FROM metrics WHERE model = 'gru' AND step IS NULL AND metric = 'mase' AND series IS NOT NULL ORDER BY value DESC LIMIT 1"])
        let name = try #require(worst.out.split(separator: "\n").last.map(String.init))
        let svg = temporaryPath("panel.svg")
        let plot = try run(["plot", "--db", db, "--run", "1", "-o", svg])
        #expect(plot.code == 0, "\(plot.err)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("\(name) (the worst of 3 series by MASE)") && text.contains("the mean over 3 series"))
    }
}

/// Warm refits (issue 16): each chain's refits start from the previous refit's weights.
@Suite(.serialized) struct WarmRefitTests {
    let air = "datasets/air_passengers_monthly.csv"
    let small = ["--hidden", "6", "--max-steps", "80", "--normalization", "window-seasonal"]

    func mase(_ out: String, model: String = "gru", series: String? = nil) throws -> Double {
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let rows = try #require(object?["metrics"] as? [[String: Any]])
        let row = try #require(rows.first { $0["model"] as? String == model && $0["h"] is NSNull
            && (series == nil ? true : $0["series"] as? String == series) })
        return try #require(row["mase"] as? Double)
    }

    /// Warm refits give the same numbers for any --jobs (chains run in parallel, each chain in
    /// order), differ from cold ones, and a chain of one refit is a cold run.
    @Test func warmRefitsAreIdenticalForAnyJobsAndAChainOfOneIsCold() throws {
        let base = ["backtest", air, "--models", "gru,seasonal-naive", "--format", "json"] + small
        let one = try run(base + ["--refit", "warm", "--warm-chain", "4", "--jobs", "1"])
        let two = try run(base + ["--refit", "warm", "--warm-chain", "4", "--jobs", "2"])
        #expect(one.code == 0 && two.code == 0, "\(one.err)\(two.err)")
        #expect(one.out == two.out)
        let cold = try run(base + ["--jobs", "2"])
        #expect(try mase(one.out) != mase(cold.out))
        #expect(try mase(one.out, model: "seasonal-naive") == mase(cold.out, model: "seasonal-naive"))
        let chainOfOne = try run(base + ["--refit", "warm", "--warm-chain", "1", "--jobs", "2"])
        #expect(chainOfOne.out == cold.out)
        #expect(try run(base + ["--refit", "warm", "--warm-chain", "0"]).code == 64)
    }

    /// A global panel backtest with warm refits is the same for --jobs 1 and 2, and a killed
    /// one resumes to the numbers of an uninterrupted one.
    @Test func warmGlobalPanelIsIdenticalForAnyJobsAndResumes() throws {
        let file = temporaryPath("panel.csv"), db = temporaryPath("warm-panel.db")
        try PanelBacktestTests().panel(file)
        let arguments = ["backtest", file, "--series-column", "id", "--global", "--models", "gru,seasonal-naive",
                         "--origins", "6", "--step", "3", "--refit", "warm", "--warm-chain", "3", "--format", "json",
                         "--horizon", "7", "--season", "7", "--hidden", "4", "--max-steps", "400", "--epochs", "400",
                         "--patience", "1000000"]
        let one = try run(arguments + ["--jobs", "1"])
        #expect(one.code == 0, "\(one.err)")
        #expect(try run(arguments + ["--jobs", "2"]).out == one.out)

        let stopped = try killAfterOrigins(arguments + ["--jobs", "1"], db: db, origins: 2)
        #expect(stopped.killed && stopped.recorded == 2, "origins recorded before the kill: \(stopped)")
        let resumed = try run(["backtest", "--resume", "1", "--db", db, "--format", "json"])
        #expect(resumed.code == 0, "\(resumed.err)")
        #expect(resumed.out.replacingOccurrences(of: "\"run\": 1", with: "\"run\": null") == one.out)
    }
}
