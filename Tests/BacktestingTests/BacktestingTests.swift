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

    /// CRPS (from the quantiles), Winkler score, coverage and width of each central interval,
    /// per step and overall, equal utilsforecast's on the same forecasts
    /// (Fixtures/make_interval_scores.py made the file with utilsforecast 0.2.17).
    @Test func intervalScoresEqualUtilsforecast() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/interval_scores.json")
        let fixture = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let y = try #require(fixture["series"] as? [Double])
        let outcomes = try #require(fixture["outcomes"] as? [[String: Any]]).map { o -> Metrics.Outcome in
            let quantiles = (o["quantiles"] as? [[String: Any]] ?? []).map {
                (level: $0["level"] as? Double ?? .nan, values: $0["values"] as? [Double] ?? [])
            }
            return Metrics.Outcome(trainLength: o["train_length"] as? Int ?? 0, forecast: quantiles[2].values, quantiles: quantiles)
        }
        let metrics = Metrics(outcomes: outcomes, series: y, season: 1)
        let expected = try #require(fixture["expected"] as? [String: [String: Double]])
        #expect(expected.count == 6)
        for row in metrics.rows {
            let want = try #require(expected[row.step.map(String.init) ?? "all"])
            let got = Dictionary(row.named, uniquingKeysWith: { a, _ in a })
            for (name, value) in want {
                let mine = try #require(got[name], "\(name)")
                #expect(abs(mine - value) <= 1e-12 * max(1, abs(value)), "step \(row.step as Any) \(name): \(mine) against \(value)")
            }
        }
    }

    /// Winkler score and width by hand: an interval [8, 12] of 80% around actuals 10, 13, 5.
    @Test func winklerScoreByHand() {
        let y: [Double] = [1, 2, 3, 10, 13, 5]
        let q = [(level: 0.1, values: [8.0, 8, 8]), (level: 0.9, values: [12.0, 12, 12])]
        let m = Metrics(outcomes: [.init(trainLength: 3, forecast: [10, 10, 10], quantiles: q)], series: y, season: 1)
        let all = m.overall!
        // Widths 4; penalties 0, 2 / 0.2 * 1 = 10, 2 / 0.2 * 3 = 30.
        #expect(all.winkler.count == 1 && abs(all.winkler[0].value - (4 + 14 + 34) / 3.0) < 1e-12 && all.width.map(\.value) == [4])
        #expect(all.coverage.map(\.value) == [1 / 3.0] && all.crps == 2 * all.meanPinball!)
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

@Suite struct WalkForwardOptionsTests {
    let y: [Double] = (0..<120).map { (t: Int) -> Double in 10 + 3 * sin(Double(t) / 2) + Double(t % 7) / 10 }

    @Test func originsFromAStartAndWithAGap() {
        #expect(Origins(first: 100, step: 4, seriesLength: 120, horizon: 4).trainLengths == [100, 104, 108, 112, 116])
        #expect(Origins(first: 100, step: 4, seriesLength: 120, horizon: 4, gap: 2).trainLengths == [100, 104, 108, 112])
        #expect(Origins(count: 3, step: 5, seriesLength: 120, horizon: 4, gap: 2).trainLengths == [104, 109, 114])
    }

    @Test func pinballAndCoverageByHand() {
        // Actuals 10, 20; quantiles 0.1 / 0.5 / 0.9 at (8, 10, 12) and (21, 22, 30).
        let y: [Double] = [1, 2, 3, 10, 20]
        let outcome = Metrics.Outcome(trainLength: 3, forecast: [10, 22],
                                      quantiles: [(0.1, [8, 21]), (0.5, [10, 22]), (0.9, [12, 30])])
        let all = Metrics(outcomes: [outcome], series: y, season: 1).overall!
        // 0.1: u = 2 -> 0.2; u = -1 -> 0.9. 0.5: 0, 1. 0.9: u = -2 -> 0.2; u = -10 -> 1.
        #expect(all.pinball.map(\.level) == [0.1, 0.5, 0.9])
        #expect(zip(all.pinball.map(\.value), [0.55, 0.5, 0.6]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(all.meanPinball! - 0.55) < 1e-12)
        #expect(all.coverage == [Metrics.Leveled(level: 0.8, value: 0.5)])  // 10 in [8, 12]; 20 not in [21, 30]
        #expect(all.named.map(\.metric) == ["mae", "rmse", "mape", "smape", "mase", "bias", "pinball_0.1", "pinball_0.5",
                                            "pinball_0.9", "pinball", "coverage_0.8", "crps", "winkler_0.8", "width_0.8"])
        // CRPS twice the mean pinball; the 80% interval [8, 12] and [21, 30]: widths 4 and 9,
        // 20 below 21 by 1, so Winkler (4 + 9 + 2 / 0.2 x 1) / 2.
        #expect(abs(all.crps! - 1.1) < 1e-12 && abs(all.width[0].value - 6.5) < 1e-12 && abs(all.winkler[0].value - 11.5) < 1e-9)
        // Stored figures come back as the same row.
        let back = Metrics.Row(step: nil, n: all.n, named: Dictionary(uniqueKeysWithValues: all.named.map { ($0.metric, $0.value) }))
        #expect(back == all)
    }

    @Test func slidingWindowScalesAndFitsOnTheWindowOnly() throws {
        let origins = Origins(count: 3, step: 4, seriesLength: y.count, horizon: 4)
        let backtest = Backtest(origins: origins, horizon: 4, season: 1, window: 20)
        let outcomes = try backtest.run([Backtest.Model(name: "mean") { HistoricMean() }], on: .init(target: y))
        for (index, t) in origins.trainLengths.enumerated() {
            let outcome = try #require(outcomes[index]?.first)
            #expect(outcome.trainStart == t - 20)
            let mean = y[(t - 20)..<t].reduce(0, +) / 20
            #expect(abs(outcome.forecast[0] - mean) < 1e-12)
        }
        // MASE's scale comes from the window: y is not periodic, so it differs from the expanding one.
        let sliding = Metrics(outcomes: outcomes.sorted { $0.key < $1.key }.map { $0.value[0] }, series: y, season: 1)
        let expanding = try Backtest(origins: origins, horizon: 4, season: 1)
            .evaluate([Backtest.Model(name: "mean") { HistoricMean() }], on: .init(target: y))[0].metrics
        #expect(sliding.overall!.mase != expanding.overall!.mase)
    }

    @Test func aGapForecastsPastItAndScoresTheStepsAfter() throws {
        let origins = Origins(count: 2, step: 4, seriesLength: y.count, horizon: 3, gap: 2)
        let outcomes = try Backtest(origins: origins, horizon: 3, season: 1, gap: 2)
            .run([Backtest.Model(name: "drift") { Drift() }], on: .init(target: y))
        let t = origins.trainLengths[0], first = try #require(outcomes[0]?.first)
        let slope = (y[t - 1] - y[0]) / Double(t - 1)
        #expect(first.forecast.count == 3 && abs(first.forecast[0] - (y[t - 1] + 3 * slope)) < 1e-9)  // step 3 of 5
        #expect(first.row(step: 1) == t + 2)
    }

    func smallGRU() -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 4, season: 1)
        c.hiddenSize = 5
        c.maxSteps = 30
        c.normalization = .windowNaive
        return c
    }

    @Test func refitEveryKForecastsFromNewOriginsWithTheLastFit() throws {
        let c = smallGRU()
        let origins = Origins(count: 4, step: 3, seriesLength: y.count, horizon: 4)
        let backtest = Backtest(origins: origins, horizon: 4, season: 1, refitEvery: 2)
        #expect(backtest.block(of: 1) == 0..<2 && backtest.block(of: 3) == 2..<4)
        let outcomes = try backtest.run([Backtest.Model(name: "gru") { RecurrentForecaster(c) }], on: .init(target: y))
        // Origin 2 (index 1): the fit of origin 1, conditioned on the rows up to origin 2.
        var model = RecurrentForecaster(c)
        try model.fit(backtest.modelInput(.init(target: y), trainLength: origins.trainLengths[0]).data)
        try model.condition(on: backtest.modelInput(.init(target: y), trainLength: origins.trainLengths[1]).data)
        #expect(try model.predict(horizon: 4).point == outcomes[1]?.first?.forecast)
        // Origin 3 refits.
        var refit = RecurrentForecaster(c)
        try refit.fit(backtest.modelInput(.init(target: y), trainLength: origins.trainLengths[2]).data)
        #expect(try refit.predict(horizon: 4).point == outcomes[2]?.first?.forecast)
    }

    @Test func skippedOriginsLeaveTheOthersUnchangedInParallelToo() throws {
        let c = smallGRU()
        let origins = Origins(count: 5, step: 3, seriesLength: y.count, horizon: 4)
        let models = [Backtest.Model(name: "gru") { RecurrentForecaster(c) }, Backtest.Model(name: "naive") { Naive() }]
        let all = try Backtest(origins: origins, horizon: 4, season: 1, refitEvery: 2).run(models, on: .init(target: y))
        var recorded: [Int] = []
        let rest = try Backtest(origins: origins, horizon: 4, season: 1, jobs: 2, refitEvery: 2)
            .run(models, on: .init(target: y), skipping: [0, 3]) { index, _ in recorded.append(index) }
        #expect(Set(rest.keys) == [1, 2, 4] && recorded.sorted() == [1, 2, 4])
        for index in [1, 2, 4] {
            #expect(rest[index]!.map(\.forecast) == all[index]!.map(\.forecast))
        }
    }

    @Test func aFailingRecordStopsTheRun() {
        struct Full: Error {}
        #expect(throws: Full.self) {
            try Backtest(origins: Origins(count: 4, step: 3, seriesLength: y.count, horizon: 4), horizon: 4, season: 1, jobs: 2)
                .run([Backtest.Model(name: "naive") { Naive() }], on: .init(target: y)) { _, _ in throw Full() }
        }
    }
}
