import Backtesting
import Forecasting
import Foundation
import Support
import TestSupport
import Testing
import TimeSeries

/// Issue 15: one contract for every model of the registry (as Darts runs one list of
/// models through shared tests): fit, forecast H, same seed same forecast, save and load
/// with the same forecast, a backtest refitting every 2 origins (the same for 1 and 2 jobs).
@Suite struct ModelContractTests {
    static let n = 96

    func series() -> SeriesData {
        var g = SplitMix64(seed: 17)
        let target = (0..<Self.n).map { t -> Double in
            let season = 4 * sin(2 * Double.pi * Double(t) / 12)
            return 50 + 0.1 * Double(t) + season + 0.5 * g.nextNormal()
        }
        let stamps = (0..<Self.n).map { Frequency.months(1).advance(Timestamp(year: 2000, month: 1, day: 1), by: $0) }
        return SeriesData(name: "contract", target: target, timestamps: stamps, frequency: .months(1))
    }

    var settings: RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.hiddenSize = 6
        c.maxSteps = 40
        c.seed = 9
        return c
    }

    func saved(_ model: any Forecaster) throws -> ModelFile.Model {
        if let network = model as? RecurrentForecaster { return .network(network) }
        return .baseline(try #require(model as? any Baseline))
    }

    func forecast(_ model: ModelFile.Model, horizon: Int) throws -> Forecast {
        switch model {
        case .network(let network): try network.predict(horizon: horizon)
        case .baseline(let baseline): try baseline.predict(horizon: horizon)
        }
    }

    @Test(arguments: ModelKind.allCases)
    func everyKindFitsForecastsSavesAndBacktests(_ kind: ModelKind) throws {
        var a = kind.make(settings), b = kind.make(settings)
        try a.fit(series())
        try b.fit(series())
        #expect(a.name == kind.rawValue)
        let f = try a.predict(horizon: 6)
        #expect(f.point.count == 6 && f.point.allSatisfy(\.isFinite))
        #expect(try b.predict(horizon: 6) == f)  // same seed, same forecast

        let path = temporaryPath("contract-\(kind.rawValue).safetensors")
        try ModelFile(model: try saved(a), target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: series().timestamps?.last, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path)
        #expect(loaded.model.kind == kind && loaded.observations == Self.n)
        #expect(try forecast(loaded.model, horizon: 6) == f)

        let origins = Origins(count: 3, step: 6, seriesLength: Self.n, horizon: 6)
        let maker = Backtest.Model(name: kind.rawValue) { kind.make(settings) }
        func backtest(jobs: Int) throws -> [Backtest.Result] {
            try Backtest(origins: origins, horizon: 6, season: 12, jobs: jobs, refitEvery: 2).evaluate([maker], on: series())
        }
        let one = try backtest(jobs: 1)
        #expect(one[0].outcomes.count == 3 && one[0].outcomes.allSatisfy { $0.forecast.count == 6 && $0.forecast.allSatisfy(\.isFinite) })
        #expect(one[0].metrics.overall?.mase.isFinite == true)
        let two = try backtest(jobs: 2)
        #expect(two[0].outcomes.map(\.forecast) == one[0].outcomes.map(\.forecast))
    }

    /// A baseline's `update` gives the forecast of a fit on the longer history, exactly.
    @Test(arguments: ModelKind.allCases.filter { !$0.isNetwork })
    func aBaselineUpdateEqualsARefit(_ kind: ModelKind) throws {
        let all = series(), cut = 80
        var updated = try #require(kind.make(settings) as? any Baseline)
        try updated.fit(SeriesData(name: "s", target: Array(all.target[..<cut])))
        updated.update(with: Array(all.target[cut...]))
        var refit = kind.make(settings)
        try refit.fit(all)
        #expect(try updated.predict(horizon: 6) == refit.predict(horizon: 6))
        #expect(updated.observations == Self.n && updated.lastValue == all.target[Self.n - 1])
    }
}
