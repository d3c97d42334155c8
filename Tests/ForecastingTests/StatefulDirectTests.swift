@testable import Forecasting
import Foundation
import Support
import TestSupport
import Testing
import TimeSeries

/// Issue 15: stateful many-to-one (Keras `stateful=True`, `return_sequences=False`).
@Suite struct StatefulDirectTests {
    /// A seasonal series with a trend and a covariate that leads it by one step.
    func data(_ n: Int) -> (target: [Double], covariate: [Double], stamps: [Timestamp]) {
        var g = SplitMix64(seed: 31)
        let driver = (0..<(n + 1)).map { t in sin(2 * Double.pi * Double(t) / 12) + 0.1 * g.nextNormal() }
        let target = (0..<n).map { t -> Double in
            let trend = 10 + 0.03 * Double(t)
            return trend + 3 * driver[t] + 0.2 * g.nextNormal()
        }
        let stamps = (0..<n).map { Frequency.months(1).advance(Timestamp(year: 1990, month: 1, day: 1), by: $0) }
        return (target, Array(driver[1...n]), stamps)
    }

    func series(_ n: Int, upTo end: Int? = nil) -> SeriesData {
        let d = data(n), e = end ?? n
        return SeriesData(name: "s", target: Array(d.target[..<e]), covariates: [Array(d.covariate[..<e])],
                          covariateNames: ["driver"], timestamps: Array(d.stamps[..<e]), frequency: .months(1))
    }

    func configuration() -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.stateful = true
        c.hiddenSize = 10
        c.inputLength = 12
        c.covariates = ["driver"]
        c.calendar = [.dayOfYear]
        c.maxSteps = 200
        c.seed = 2
        c.shrinks = false  // the network's forecasts, not a baseline's
        return c
    }

    func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    @Test func trainsWithGlobalScalingAndForecastsFromTheLastState() throws {
        var model = RecurrentForecaster(configuration())
        try model.fit(series(240))
        #expect(model.configuration.normalization == .global && model.configuration.stateful)
        #expect(model.report.epochs > 0 && model.report.bestEpoch > 0)  // training improved on the start
        let state = try #require(model.asStatefulDirect).state
        #expect(state.extra.hidden.count == 10 && state.extra.directOutput?.count == 6 && model.configuration.window == 13)
        let forecast = try model.predict(horizon: 6).point
        #expect(forecast.count == 6 && forecast.allSatisfy { $0 > 5 && $0 < 30 })
        #expect(throws: ForecastingError.self) { try model.predict(horizon: 7) }
        // The state carries the history beyond the last window: the same last window after
        // another start gives another forecast, where a model without state gives the same.
        var altered = series(240)
        for t in 180..<220 { altered.target[t] += 5 }  // before the last window (rows 227..<240)
        var conditioned = model
        try conditioned.condition(on: altered)
        #expect(try conditioned.predict(horizon: 6).point != forecast)
        var c = configuration()
        c.stateful = false
        c.normalization = .global
        var windowed = RecurrentForecaster(c)
        try windowed.fit(series(240))
        let before = try windowed.predict(horizon: 6)
        try windowed.condition(on: altered)
        #expect(try windowed.predict(horizon: 6) == before)
    }

    /// `update` with new rows in two chunks gives the state and forecast of one update with
    /// all of them, and of running the trained network over the whole history.
    @Test func updateInChunksEqualsOneUpdateAndTheWholeHistory() throws {
        var base = StatefulDirectForecaster(configuration())
        try base.fit(series(260, upTo: 220))
        let all = series(260)
        func rows(_ r: Range<Int>) -> (values: [Double], covariates: [[Double]], stamps: [Timestamp]) {
            (Array(all.target[r]), [Array(all.covariates[0][r])], Array(all.timestamps![r]))
        }
        var once = base, twice = base
        let whole = rows(220..<260), first = rows(220..<235), second = rows(235..<260)
        try once.update(with: whole.values, covariates: whole.covariates, timestamps: whole.stamps)
        try twice.update(with: first.values, covariates: first.covariates, timestamps: first.stamps)
        try twice.update(with: second.values, covariates: second.covariates, timestamps: second.stamps)
        #expect(close(once.state.extra.hidden, twice.state.extra.hidden))
        #expect(close(once.state.extra.directOutput ?? [], twice.state.extra.directOutput ?? []))
        let f1 = try once.predict(horizon: 6).point, f2 = try twice.predict(horizon: 6).point
        #expect(zip(f1, f2).allSatisfy { abs($0 - $1) <= 1e-4 })
        var rerun = base
        rerun.warmUp(all)
        #expect(close(once.state.extra.hidden, rerun.state.extra.hidden))
        #expect(close(once.state.extra.directOutput ?? [], rerun.state.extra.directOutput ?? []))
        let l = base.configuration.window  // 13: at least a season and one step
        #expect(once.state.series.observations == 260 && once.state.series.history == Array(all.target.suffix(l)))
        #expect(once.state.series.covariateHistory == [Array(all.covariates[0].suffix(l))])
        // The new rows moved the forecast.
        #expect(try once.predict(horizon: 6).point != base.predict(horizon: 6).point)
        // New rows without the model's covariate are refused.
        var refused = base
        #expect(throws: ForecastingError.self) { try refused.update(with: whole.values, timestamps: whole.stamps) }
    }

    @Test func theModelFileKeepsTheState() throws {
        var model = RecurrentForecaster(configuration())
        try model.fit(series(200))
        let path = temporaryPath("stateful-direct.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: ["driver"], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(try #require(loaded.asStatefulDirect).state == #require(model.asStatefulDirect).state)
        #expect(try loaded.predict(horizon: 6) == model.predict(horizon: 6))
    }

    @Test func sameSeedSameForecastAndTheEncoderDecoderIsNotStateful() throws {
        var a = RecurrentForecaster(configuration()), b = RecurrentForecaster(configuration())
        try a.fit(series(200))
        try b.fit(series(200))
        #expect(try a.predict(horizon: 6) == b.predict(horizon: 6))
        var c = configuration()
        c.mode = .encoderDecoder
        var encoderDecoder = RecurrentForecaster(c)
        #expect(throws: ForecastingError.self) { try encoderDecoder.fit(series(200)) }
    }
}

@Suite struct GlobalUpdateTests {
    /// A global model is updated through one of its series; on the whole model `update` is
    /// an error, not an index out of range (its own history is empty).
    @Test func aGlobalModelUpdatesThroughASeries() throws {
        var g = SplitMix64(seed: 8)
        let panel = ["a", "b"].map { name in
            SeriesData(name: name, target: (0..<80).map { t in 10 + sin(Double(t) / 2) + 0.1 * g.nextNormal() },
                       covariates: [(0..<80).map { Double($0 % 7) }], covariateNames: ["c"])
        }
        var c = RecurrentConfiguration(horizon: 3, season: 6)
        c.hiddenSize = 4
        c.maxSteps = 20
        c.covariates = ["c"]
        var model = RecurrentForecaster(c)
        try model.fit(panel: panel)
        #expect(throws: ForecastingError.self) { try model.update(with: [1, 2], covariates: [[1, 2]]) }
        var series = try model.forecaster(forSeries: "b")
        try series.update(with: [1, 2], covariates: [[1, 2]])
        #expect(try series.predict(horizon: 3).point.allSatisfy(\.isFinite))
    }
}
