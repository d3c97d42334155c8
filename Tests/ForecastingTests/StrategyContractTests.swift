import Foundation
import Testing
import TestSupport
import TimeSeries
@testable import Forecasting

/// Issue 30: the strategy contract, checked on every registered strategy (the list comes from
/// the registry and the modes, not written out here): fit, forecast, copy, save and load,
/// update and condition give consistent results.
@Suite struct StrategyContractTests {
    /// One configuration per mode and statefulness the rule book accepts, each with the
    /// strategy type serving it.
    static let cases: [RecurrentConfiguration] = RecurrentConfiguration.Mode.allCases.flatMap { mode in
        [false, true].compactMap { stateful -> RecurrentConfiguration? in
            guard RuleBook.refusal(.init(mode: mode, stateful: stateful)) == nil else { return nil }
            var c = RecurrentConfiguration(horizon: 4, season: 7)
            c.mode = mode
            c.stateful = stateful
            c.hiddenSize = 4
            c.maxSteps = 30
            c.seed = 3
            c.calendar = mode == .manyToMany ? [] : [.dayOfWeek]
            return c
        }
    }

    /// A daily series with a weekly wave, `count` rows.
    static func series(_ count: Int) -> SeriesData {
        let start = Timestamp(year: 2024, month: 1, day: 1)
        let stamps = (0..<count).map { Frequency.fixed(microseconds: 86_400_000_000).advance(start, by: $0) }
        let values = (0..<count).map { (t: Int) -> Double in
            let x = Double(t)
            let wave = 3 * sin(2 * Double.pi * x / 7)
            return 20 + wave + 0.02 * x + 0.3 * cos(x * x)
        }
        return SeriesData(name: "s", target: values, timestamps: stamps, frequency: .fixed(microseconds: 86_400_000_000))
    }

    /// Every mode has exactly one registered strategy, and every registered strategy serves a mode.
    @Test func theRegistryServesEveryModeOnce() {
        for c in Self.cases {
            #expect(RecurrentForecaster.strategies.filter { $0.serves(c) }.count == 1, "\(c.modeDescription)")
        }
        for type in RecurrentForecaster.strategies {
            #expect(Self.cases.contains { type.serves($0) }, "\(type) serves no mode")
        }
        #expect(Set(Self.cases.map { ObjectIdentifier(RecurrentForecaster.strategy(serving: $0)!) }).count
                == RecurrentForecaster.strategies.count)
    }

    func close(_ a: Forecast, _ b: Forecast, _ tolerance: Double = 1e-9) -> Bool {
        a.point.count == b.point.count && zip(a.point, b.point).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test(arguments: cases)
    func fitForecastCopySaveLoadUpdateAgree(_ c: RecurrentConfiguration) throws {
        let all = Self.series(110), train = all.prefix(100), new = all.suffix(10)
        var model = RecurrentForecaster(c)
        try model.fit(train)
        let forecast = try model.predict(horizon: 4)
        #expect(forecast.point.count == 4 && forecast.point.allSatisfy(\.isFinite), "\(c.modeDescription)")

        // A copy forecasts alike; training it warm leaves the original as it was.
        let copy = try model.copied()
        #expect(try copy.predict(horizon: 4) == forecast)
        _ = try copy.warmRefitted(on: all, steps: 5)
        #expect(try model.predict(horizon: 4) == forecast)

        // Saved and loaded, it forecasts alike and keeps its state.
        let path = temporaryPath("contract.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: all.frequency, timestampStyle: .date,
                      lastTimestamp: train.timestamps?.last, provenance: [:]).write(to: path)
        var loaded = try ModelFile.read(path: path).forecaster
        #expect(try loaded.predict(horizon: 4) == forecast, "\(c.modeDescription)")
        #expect(loaded.observations == 100)

        // New rows: the loaded model updates as the fitted one does; a stateful model's two
        // updates give the forecast of one; a window model's update is its condition on the
        // longer series.
        var updated = model
        try updated.update(with: new)
        try loaded.update(with: new)
        let after = try updated.predict(horizon: 4)
        #expect(try loaded.predict(horizon: 4) == after, "\(c.modeDescription)")
        #expect(updated.observations == 110)
        if c.stateful {
            var twice = model
            try twice.update(with: new.prefix(4))
            try twice.update(with: new.suffix(6))
            #expect(close(try twice.predict(horizon: 4), after, 1e-5), "\(c.modeDescription)")
        } else {
            var conditioned = model
            try conditioned.condition(on: all)
            #expect(close(try conditioned.predict(horizon: 4), after, 1e-5), "\(c.modeDescription)")
        }
    }
}

