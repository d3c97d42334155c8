import Foundation
import Testing
import TestSupport

@Suite struct TrainPredictTests {
    let air = "datasets/air_passengers_monthly.csv"

    @Test func trainThenPredictWithTheModel() throws {
        let model = temporaryPath("air.safetensors")
        let trained = try run(["train", air, "--max-steps", "120", "--hidden", "16", "--seed", "1", "--model-out", model])
        #expect(trained.code == 0, "\(trained.err)")
        #expect(trained.out.contains("model written to \(model)"))
        let csv = try run(["predict", "--model", model, air, "--format", "csv"])
        #expect(csv.code == 0, "\(csv.err)")
        let lines = csv.out.split(separator: "\n")
        #expect(lines.first == "step,timestamp,forecast")
        #expect(lines.count == 13)
        #expect(lines[1].hasPrefix("1,1961-01-01,"))
        #expect(lines[12].hasPrefix("12,1961-12-01,"))
        let json = try run(["predict", "--model", model, air, "--format", "json", "--horizon", "3"])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect((object?["forecasts"] as? [[String: Any]])?.count == 3)
        #expect(object?["target"] as? String == "passengers_thousands")
    }

    /// The numbers of a CSV forecast (every field that parses as one).
    func numbers(_ csv: String) -> [Double] {
        csv.split(separator: "\n").dropFirst().flatMap { $0.split(separator: ",").compactMap { Double($0) } }
    }

    /// The same seed gives the same bits in another process on the same kernel path, and the
    /// same numbers to 1e-5 relative on every other path (FORECAST_KERNELS; the forced path
    /// is the one `--version` reports). Training sums in another order on another path, so
    /// bits are not promised across paths.
    @Test func sameSeedSameForecastOnEveryKernelPath() throws {
        let args = ["predict", air, "--max-steps", "80", "--hidden", "8", "--seed", "5", "--format", "csv",
                    "--quantiles", "0.1,0.5,0.9"]
        let first = try run(args)
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out.hasPrefix("step,timestamp,forecast,lower_80,upper_80"))
        #expect(try run(args).out == first.out)
        let reference = numbers(first.out)
        #expect(reference.count == 12 * 4)  // step, forecast, lower, upper
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for path in ["avx512", "avx2", "portable"] {
            let version = try run(["--version"], environment: ["FORECAST_KERNELS": path])
            if path == "avx512" && !cpu.contains(" avx512f") {
                #expect(version.code == 64 && version.err.contains("FORECAST_KERNELS=avx512"), "\(version.err)")
                continue
            }
            #expect(version.out.contains("kernels \(path),"), "\(version.out)")
            let forced = try run(args, environment: ["FORECAST_KERNELS": path])
            #expect(forced.code == 0, "\(forced.err)")
            let values = numbers(forced.out)
            #expect(values.count == reference.count)
            let gap = zip(values, reference).map { abs($0 - $1) / max(abs($1), 1e-9) }.max() ?? .infinity
            #expect(gap <= 1e-5, "\(path): relative difference \(gap)")
        }
        let bogus = try run(args, environment: ["FORECAST_KERNELS": "sse9"])
        #expect(bogus.code == 64)
        #expect(bogus.err == "forecast: error: FORECAST_KERNELS=sse9: takes avx512, avx2 or portable\n")
        #expect(bogus.out.isEmpty)
    }

    /// A combination of networks (orange juice: window-naive and global validate alike)
    /// is as deterministic as one network: the same CSV from another run with the same
    /// seed, and from its model file.
    @Test func combinationSameSeedSameForecastAndThroughItsModelFile() throws {
        let oj = "datasets/frozen_orange_juice_monthly.csv"
        let model = temporaryPath("oj.safetensors")
        let train = try run(["train", oj, "--target", "oj_price", "--max-steps", "400", "--hidden", "8", "--seed", "5",
                             "--quantiles", "0.1,0.5,0.9", "--model-out", model])
        #expect(train.code == 0, "\(train.err)")
        #expect(train.out.contains("forecasts average 2 networks: global, window-naive"), "\(train.out)")
        let args = ["predict", oj, "--target", "oj_price", "--max-steps", "400", "--hidden", "8", "--seed", "5",
                    "--quantiles", "0.1,0.5,0.9", "--format", "csv"]
        let trained = try run(args)
        #expect(trained.code == 0, "\(trained.err)")
        #expect(trained.out == (try run(["predict", "--model", model, oj, "--format", "csv"])).out)
    }

    @Test func badModelUseIsAClearErrorAndNoFileIsLeft() throws {
        let model = temporaryPath("short.safetensors")
        let short = temporaryPath("short.csv")
        try Data("date,v\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n".utf8).write(to: URL(fileURLWithPath: short))
        // Three rows: too short for a network, not for its baseline (naive: fewer than a season).
        let fallback = try run(["train", short, "--model-out", model])
        #expect(fallback.code == 0, "\(fallback.err)")
        #expect(fallback.out.contains("the forecast is naive alone, no network: the history has 3 rows"), "\(fallback.out)")
        let forecast = try run(["predict", "--model", model, short, "--format", "csv", "--horizon", "2"])
        #expect(forecast.out.hasSuffix("1,2020-04-01,3.0\n2,2020-05-01,3.0\n"), "\(forecast.out) \(forecast.err)")
        // No rows at all: nothing forecasts, and no file is left.
        let empty = temporaryPath("empty.csv"), none = temporaryPath("none.safetensors")
        try Data("date,v\n".utf8).write(to: URL(fileURLWithPath: empty))
        let failed = try run(["train", empty, "--model-out", none])
        #expect(failed.code == 65, "\(failed.err)")
        #expect(!FileManager.default.fileExists(atPath: none))
        let good = temporaryPath("good.safetensors")
        _ = try run(["train", air, "--max-steps", "20", "--hidden", "4", "--model-out", good])
        let wrongColumns = try run(["predict", "--model", good, "datasets/msft_daily.csv"])
        #expect(wrongColumns.code == 65)
        #expect(wrongColumns.err.contains("passengers_thousands"))
        let notAModel = try run(["predict", "--model", air, air])
        #expect(notAModel.code == 65)
        let missing = try run(["predict", "--model", "/nonexistent.safetensors", air])
        #expect(missing.code == 66)
    }
}

@Suite struct LongFormatTests {
    @Test func globalModelFromLongFormat() throws {
        var text = "series,date,value\n"
        for (name, scale) in [("a", 1.0), ("b", 50.0)] {
            for m in 0..<72 {
                let value = scale * (10 + Double(m % 12) + Double(m) / 10)
                text += "\(name),\(1990 + m / 12)-\(String(format: "%02d", m % 12 + 1))-01,\(value)\n"
            }
        }
        let path = temporaryPath("long.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let model = path + ".safetensors"
        let trained = try run(["train", path, "--series-column", "series", "--target", "value", "--max-steps", "60",
                               "--hidden", "8", "--model-out", model])
        #expect(trained.code == 0, "\(trained.err)")
        let csv = try run(["predict", "--model", model, path, "--series-column", "series", "--format", "csv"])
        #expect(csv.code == 0, "\(csv.err)")
        let lines = csv.out.split(separator: "\n")
        #expect(lines.first == "series,step,timestamp,forecast")
        #expect(lines.count == 1 + 2 * 12)
        #expect(lines.contains { $0.hasPrefix("b,1,1996-01-01,") })
    }

    @Test func trainAndPredictOnEveryBundledDataset() throws {
        for file in ["air_passengers_monthly", "ausbeer_quarterly", "elnino_sst_monthly", "frozen_orange_juice_monthly",
                     "us_gasoline_weekly", "taylor_electricity_halfhourly", "msft_daily", "nyc_ewr_weather_hourly"] {
            let target = ["frozen_orange_juice_monthly": "oj_price", "msft_daily": "close",
                          "nyc_ewr_weather_hourly": "temperature_f"][file]
            var args = ["predict", "datasets/\(file).csv", "--max-steps", "20", "--hidden", "8", "--normalization",
                        "window-naive", "--format", "json"]
            if let target { args += ["--target", target] }
            let result = try run(args)
            #expect(result.code == 0, "\(file): \(result.err)")
            #expect(result.out.contains("\"forecasts\""), "\(file)")
        }
    }
}

@Suite struct PredictStoreTests {
    @Test func predictStoresARunThatSQLCanRead() throws {
        let db = temporaryPath("runs.db")
        let result = try run(["predict", "datasets/air_passengers_monthly.csv", "--max-steps", "20", "--hidden", "4",
                              "--quantiles", "0.1,0.5,0.9", "--db", db, "--format", "csv"])
        #expect(result.code == 0, "\(result.err)")
        let query = Process()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        query.arguments = ["python3", "-c", """
            import sqlite3; c = sqlite3.connect('\(db)')
            print(c.execute("SELECT status, kind FROM runs").fetchall())
            print(c.execute("SELECT count(*), min(step), max(step), min(target_time), sum(lower < forecast AND forecast < upper) FROM forecasts").fetchall())
            """]
        let out = Pipe()
        query.standardOutput = out
        try query.run()
        query.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("[('complete', 'predict')]"))
        #expect(text.contains("[(12, 1, 12, '1961-01-01', 12)]"))
    }
}

@Suite struct BacktestCommandTests {
    @Test func perHorizonMetricsAsJSON() throws {
        let result = try run(["backtest", "datasets/air_passengers_monthly.csv", "--models", "naive,seasonal-naive,gru",
                              "--max-steps", "20", "--hidden", "4", "--format", "json"])
        #expect(result.code == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(object?.keys.contains("run") == true)
        let metrics = try #require(object?["metrics"] as? [[String: Any]])
        #expect(metrics.count == 3 * 13)
        // The keys of the issue, and skill against seasonal naive (which ran).
        #expect(Set(metrics[0].keys) == ["model", "series", "h", "n", "mae", "rmse", "mape", "smape", "mase", "bias", "skill"])
        // naive, all steps: the reference's MASE 2.068436768
        let naiveAll = try #require(metrics.first { $0["model"] as? String == "naive" && $0["h"] is NSNull })
        #expect(abs((naiveAll["mase"] as? Double ?? 0) - 2.068436768) < 1e-8)
        #expect(naiveAll["n"] as? Int == 120)
        let table = try run(["backtest", "datasets/ausbeer_quarterly.csv", "--models", "naive,seasonal-naive",
                             "--origins", "3", "--step", "4"])
        #expect(table.out.contains("3 origins"))
        // --step defaults to the horizon (8 for quarterly data).
        let byHorizon = try run(["backtest", "datasets/ausbeer_quarterly.csv", "--models", "naive", "--origins", "3", "--format", "csv"])
        let byEight = try run(["backtest", "datasets/ausbeer_quarterly.csv", "--models", "naive", "--origins", "3", "--step", "8", "--format", "csv"])
        #expect(byHorizon.code == 0 && byHorizon.out == byEight.out)
        #expect(try run(["backtest", "datasets/ausbeer_quarterly.csv", "--origins", "0"]).code == 64)
    }
}
