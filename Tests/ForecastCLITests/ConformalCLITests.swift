import Foundation
import Testing
import TestSupport

/// Conformal intervals and interval scores from the command line (issue 19).
@Suite(.serialized) struct ConformalCLITests {
    let air = "datasets/air_passengers_monthly.csv"
    let small = ["--hidden", "6", "--max-steps", "60"]

    /// The intervals of `train --conformal` come back from the model file: `predict --model`
    /// prints what `predict --conformal` (training in one step, the same seed) prints, for a
    /// network and for a baseline; the file holds metadata `conformal`.
    @Test func conformalIntervalsSurviveTheModelFile() throws {
        let conformal = ["--conformal", "0.8,0.95", "--conformal-windows", "6", "--conformal-step", "2"]
        let model = temporaryPath("gru.safetensors")
        let trained = try run(["train", air, "--model-out", model] + conformal + small)
        #expect(trained.code == 0, "\(trained.err)")
        let saved = try run(["predict", air, "--model", model, "--format", "csv"])
        let direct = try run(["predict", air, "--format", "csv"] + conformal + small)
        #expect(saved.code == 0 && direct.code == 0, "\(saved.err)\(direct.err)")
        #expect(saved.out.hasPrefix("step,timestamp,forecast,lower_80,upper_80,lower_95,upper_95\n"), "\(saved.out)")
        #expect(saved.out == direct.out)
        let metadata = try String(decoding: Data(contentsOf: URL(fileURLWithPath: model)).prefix(200_000), as: UTF8.self)
        #expect(metadata.contains("\"conformal\""))

        let baseline = temporaryPath("snaive.safetensors")
        #expect(try run(["train", air, "--kind", "seasonal-naive", "--model-out", baseline] + conformal).code == 0)
        let fromFile = try run(["predict", air, "--model", baseline, "--format", "csv"])
        #expect(fromFile.code == 0 && fromFile.out.contains("lower_95"), "\(fromFile.err)")
        // A baseline forecasts any horizon, but its intervals hold for the calibrated steps only.
        let longer = try run(["predict", air, "--model", baseline, "--horizon", "24"])
        #expect(longer.code == 64 && longer.err.contains("calibrated for"), "\(longer.err)")
        // Each bound is the forecast plus or minus a calibrated error, so the interval holds it.
        for line in fromFile.out.split(separator: "\n").dropFirst() {
            let v = line.split(separator: ",").dropFirst(2).compactMap { Double($0) }
            #expect(v.count == 5 && v[3] <= v[1] && v[1] <= v[0] && v[0] <= v[2] && v[2] <= v[4], "\(line)")
        }
    }

    /// No origin's interval uses data after it: values changed after origin 6's training rows
    /// leave the quantiles of origins 1-6 as they were and move origin 7's (which trains on them).
    @Test func noOriginUsesLaterData() throws {
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(air).path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        // Protocol origins on 144 rows: T_k = 78 + 6 (k - 1); origin 6 trains on 108 rows.
        let changed = [lines[0]] + lines.dropFirst().enumerated().map { row, line in
            guard row >= 108 else { return line }
            let cells = line.split(separator: ",")
            return "\(cells[0]),\((Double(cells[1]) ?? 0) * 1.5)"
        }
        let other = temporaryPath("air-changed.csv")
        try (changed.joined(separator: "\n") + "\n").write(toFile: other, atomically: false, encoding: .utf8)
        func quantiles(_ file: String) throws -> [Int: String] {
            let db = temporaryPath("conformal.db")
            let result = try run(["backtest", file, "--models", "gru,seasonal-naive,drift", "--conformal", "0.8,0.95",
                                  "--conformal-windows", "5", "--db", db] + small)
            #expect(result.code == 0, "\(result.err)")
            var byOrigin: [Int: String] = [:]
            for origin in 1...10 {
                byOrigin[origin] = try run(["query", "--db", db, "--format", "csv",
                                            "SELECT model, step, level, value FROM quantiles WHERE origin = \(origin) ORDER BY 1, 2, 3"]).out
            }
            return byOrigin
        }
        let original = try quantiles(air), moved = try quantiles(other)
        for origin in 1...6 { #expect(original[origin] == moved[origin], "origin \(origin)") }
        #expect(original[7] != moved[7])
        #expect(original[1]?.split(separator: "\n").count == 1 + 3 * 12 * 4)
    }

    /// The scores are in the table, CSV, JSON and the store; flags that cannot go together
    /// are refused.
    @Test func scoresAreReportedAndStoredAndFlagsChecked() throws {
        let db = temporaryPath("scores.db")
        let table = try run(["backtest", air, "--models", "naive,seasonal-naive", "--conformal", "0.8", "--db", db])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("crps") && table.out.contains("cov80") && table.out.contains("wink80") && table.out.contains("width80"))
        let stored = try run(["query", "--db", db, "--format", "csv",
                              "SELECT DISTINCT metric FROM metrics WHERE metric IN ('crps', 'winkler_0.8', 'width_0.8', 'coverage_0.8') ORDER BY 1"])
        #expect(stored.out == "metric\ncoverage_0.8\ncrps\nwidth_0.8\nwinkler_0.8\n", "\(stored.out)")
        let json = try run(["report", "--db", db, "--run", "1", "--format", "json"])
        #expect(json.out.contains("\"winkler_0.8\"") && json.out.contains("\"crps\""))
        let svg = temporaryPath("calibration.svg")
        let plot = try run(["plot", "--db", db, "--run", "1", "--calibration", "-o", svg])
        #expect(plot.code == 0, "\(plot.err)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("Empirical against nominal coverage") && text.contains("seasonal-naive 80%") && text.contains("naive"))
        let plain = temporaryPath("plain.db")
        #expect(try run(["backtest", air, "--models", "naive", "--db", plain]).code == 0)
        #expect(try run(["plot", "--db", plain, "--run", "1", "--calibration", "-o", temporaryPath("none.svg")]).code == 64)
        #expect(try run(["backtest", air, "--conformal", "0.8", "--quantiles", "0.1,0.9"]).code == 64)
        #expect(try run(["backtest", air, "--conformal", "1.5"]).code == 64)
        #expect(try run(["backtest", air, "--conformal", "0.8", "--conformal-windows", "0"]).code == 64)
        let panel = temporaryPath("panel.csv")
        try PanelBacktestTests().panel(panel)
        let global = try run(["backtest", panel, "--series-column", "id", "--conformal", "0.8"])
        #expect(global.code == 64 && global.err.contains("--no-global"), "\(global.err)")
        let tooMany = try run(["backtest", air, "--models", "naive", "--conformal", "0.8", "--conformal-windows", "80"])
        #expect(tooMany.code == 65 && tooMany.err.contains("conformal"), "\(tooMany.err)")
    }
}
