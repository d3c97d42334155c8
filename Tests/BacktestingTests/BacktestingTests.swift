import Foundation
import Ingestion
import Testing
import TimeSeries
@testable import Backtesting
@testable import Forecasting

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// datasets/PROTOCOL.md's table: file, target, H, m, n, s, T_1, T_K.
let protocolTable: [(String, String, Int, Int, Int, Int, Int, Int)] = [
    ("air_passengers_monthly", "passengers_thousands", 12, 12, 144, 6, 78, 132),
    ("ausbeer_quarterly", "beer_megalitres", 8, 4, 218, 8, 138, 210),
    ("elnino_sst_monthly", "sea_surface_temp_c", 12, 12, 732, 12, 612, 720),
    ("frozen_orange_juice_monthly", "oj_price", 12, 12, 612, 12, 492, 600),
    ("us_gasoline_weekly", "gasoline_million_barrels_per_day", 13, 52, 1355, 13, 1095, 1342),
    ("taylor_electricity_halfhourly", "demand_mw", 48, 48, 4032, 48, 3072, 3984),
    ("msft_daily", "close", 14, 1, 7983, 14, 7703, 7969),
    ("nyc_ewr_weather_hourly", "temperature_f", 24, 24, 8730, 24, 8250, 8706),
]

@Suite struct OriginsTests {
    @Test func theProtocolRuleGivesTheProtocolTable() {
        for (name, _, h, _, n, s, first, last) in protocolTable {
            let origins = Origins.protocolRule(seriesLength: n, horizon: h)
            #expect(origins.count == (n < 1000 ? 10 : 20), "\(name)")
            #expect(origins.trainLengths.first == first && origins.trainLengths.last == last, "\(name)")
            #expect(origins.trainLengths[1] - origins.trainLengths[0] == s, "\(name)")
        }
    }
}

@Suite struct MetricsTests {
    @Test func handComputedExample() {
        // y: training 1 2 3 4 (m = 1: Q = 1), actuals 5, 7; forecasts 6, 6.
        let y: [Double] = [1, 2, 3, 4, 5, 7]
        let m = Metrics(outcomes: [.init(trainLength: 4, forecast: [6, 6])], series: y, season: 1)
        let all = m.overall!
        #expect(all.n == 2 && all.mae == 1 && all.rmse == 1 && all.bias == 0 && all.mase == 1)
        #expect(abs(all.mape - (20 + 100.0 / 7) / 2) < 1e-12)
        #expect(abs(all.smape - (200.0 / 11 + 200.0 / 13) / 2) < 1e-12)
        #expect(m.rows[0].step == 1 && m.rows[0].bias == 1 && m.rows[1].bias == -1)
    }

    @Test func missingActualsAreSkippedAndScalesUseObservedPairs() {
        let nan = Double.nan
        let y: [Double] = [1, nan, 3, 5, nan, 9]
        let m = Metrics(outcomes: [.init(trainLength: 4, forecast: [4, 8])], series: y, season: 1)
        // Q from the one pair both observed (3, 5): 2; scored pairs: h = 2 only.
        #expect(m.overall?.n == 1 && m.overall?.mae == 1 && m.overall?.mase == 0.5)
        #expect(m.rows[0].n == 0)
    }

    /// Naive, seasonal naive and drift under the protocol equal the reference metrics.
    @Test(arguments: protocolTable.map(\.0))
    func baselinesEqualTheReferenceMetrics(_ name: String) throws {
        let spec = protocolTable.first { $0.0 == name }!  // arguments come from the table
        let (_, target, h, m, n, _, _, _) = spec
        let y = try CSVReader(selection: ColumnSelection(target: target)).read(path: root.appendingPathComponent("datasets/\(name).csv").path)[0].values(of: target)
        #expect(y.count == n)
        let origins = Origins.protocolRule(seriesLength: n, horizon: h)
        let text = try String(contentsOf: root.appendingPathComponent("datasets/reference/\(name)_metrics.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let reference = lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        for (label, make) in [("Naive", { Naive() as any Forecaster }), ("SeasonalNaive", { SeasonalNaive(period: m) }),
                              ("RandomWalkWithDrift", { Drift() })] {
            var outcomes: [Metrics.Outcome] = []
            for t in origins.trainLengths {
                var model = make()
                try model.fit(SeriesData(target: Frame.interpolated(Array(y[0..<t]))))
                outcomes.append(.init(trainLength: t, forecast: try model.predict(horizon: h).point))
            }
            let metrics = Metrics(outcomes: outcomes, series: y, season: m)
            for row in reference where row["model"] == label {
                let step = row["h"] == "all" ? nil : Int(row["h"]!)  // every row has h
                let ours = try #require(metrics.rows.first { $0.step == step })
                #expect(ours.n == Int(row["n"]!)!, "\(name) \(label) h \(row["h"]!) n")
                for (key, value) in [("MAE", ours.mae), ("RMSE", ours.rmse), ("sMAPE", ours.smape), ("MASE", ours.mase)] {
                    let expected = Double(row[key]!)!
                    #expect(abs(value - expected) <= 1e-8 * max(1, abs(expected)), "\(name) \(label) h \(row["h"]!) \(key)")
                }
            }
        }
    }
}

@Suite struct BacktestRunTests {
    @Test func parallelOriginsEqualSerial() throws {
        let y: [Double] = (0..<160).map { (t: Int) -> Double in
            let wave = 3 * sin(Double(t) / 2)
            return 10 + wave + Double(t % 7) / 10
        }
        var c = RecurrentConfiguration(horizon: 4, season: 1)
        c.hiddenSize = 6
        c.maxSteps = 40
        let models = [Backtest.Model(name: "gru") { RecurrentForecaster(c) }, Backtest.Model(name: "naive") { Naive() }]
        let origins = Origins(count: 5, step: 4, seriesLength: y.count, horizon: 4)
        let serial = try Backtest(origins: origins, horizon: 4, season: 1, jobs: 1).run(models, series: y)
        let parallel = try Backtest(origins: origins, horizon: 4, season: 1, jobs: 2).run(models, series: y)
        for (a, b) in zip(serial, parallel) {
            #expect(a.metrics == b.metrics)
            #expect(a.outcomes.map { $0.forecast } == b.outcomes.map { $0.forecast })
        }
        #expect(serial[0].outcomes.map { $0.trainLength } == [140, 144, 148, 152, 156])
    }
}
