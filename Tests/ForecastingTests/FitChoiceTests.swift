@testable import Forecasting
import Foundation
import Support
import TestSupport
import Testing
import TimeSeries

/// What a one-series fit chooses on its validation windows (issue 32): the baseline it
/// measures its network against (`Anchor`), a window for a short history, the search over the
/// network's own settings (`SettingsSearch`) and the transform of the target (`TargetTransform`).
@Suite struct FitChoiceTests {
    func configuration() -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 6, season: 12)  // default window max(18, 24) = 24
        c.hiddenSize = 8
        c.maxSteps = 60
        c.normalization = .global
        c.seed = 1
        return c
    }

    /// A season repeated exactly: seasonal naive forecasts it without error.
    func periodic(_ n: Int) -> SeriesData {
        SeriesData(name: "periodic", target: (0..<n).map { t in 10 + 3 * sin(2 * Double.pi * Double(t) / 12) + (t % 12 == 3 ? 2 : 0) })
    }

    /// A noisy seasonal series with a trend.
    func noisy(_ n: Int, seed: UInt64 = 5) -> SeriesData {
        var g = SplitMix64(seed: seed)
        return SeriesData(name: "noisy", target: (0..<n).map { t in
            10 + 0.04 * Double(t) + 2 * sin(2 * Double.pi * Double(t) / 12) + 0.8 * g.nextNormal()
        })
    }

    @Test func fallsBackToTheBaselineWhereTheNetworkValidatesWorse() throws {
        let s = periodic(120)
        var model = RecurrentForecaster(configuration())
        try model.fit(s)
        let anchor = try #require(model.anchor)
        // Seasonal naive has no error on the validation origins; 60 steps leave the network some.
        #expect(anchor.baseline.period == 12 && anchor.origins > 0)
        #expect(try #require(anchor.baselineError) < 1e-9 && (try #require(anchor.networkError)) > 1e-3)
        #expect(anchor.weight == 0 && !model.isFallback)
        var naive = SeasonalNaive(period: 12)
        try naive.fit(s)
        #expect(try model.predict(horizon: 6).point == naive.predict(horizon: 6).point)
        let summary = try #require(model.fitSummary)
        #expect(summary.source == .baseline("seasonal-naive") && summary.note.contains("seasonal-naive alone, the network validated worse"))
        // Without the anchor the forecast is the network's.
        var unanchored = configuration()
        unanchored.shrinks = false
        var network = RecurrentForecaster(unanchored)
        try network.fit(s)
        #expect(network.anchor == nil)
        #expect(try network.predict(horizon: 6).point != naive.predict(horizon: 6).point)
    }

    /// The weight chosen from validation forecasts: the network alone where it validates at
    /// least as well as the baseline; else the weight of the least error of the mix, found by
    /// trying every weight by hand; the baseline alone for a network gone NaN.
    @Test func theWeightIsTheLeastErrorOfTheMixWhereTheBaselineValidatesBetter() throws {
        let actual = (0..<40).map { Double($0 % 7) }
        let s = SeriesData(target: actual)
        // Errors of opposite sign: the network 3 above the truth, the baseline 2 below.
        func origins(network: Double, baseline: Double) -> [(end: Int, network: [Double], baseline: [Double])] {
            stride(from: 10, through: 34, by: 3).map { end in
                (end, (0..<6).map { actual[end + $0] + network }, (0..<6).map { actual[end + $0] + baseline })
            }
        }
        // Network MAE 3, baseline 2: w x 3 - (1 - w) x 2 is 0 at w = 0.4.
        let mixed = try #require(Anchor.choose(origins(network: 3, baseline: -2), series: s, horizon: 6))
        let byHand = Anchor.weights.map { w in abs(w * 3 - (1 - w) * 2) }
        #expect(Anchor.weights[mixed.best] == 0.4)
        for (k, e) in mixed.errors.enumerated() { #expect(abs(e - byHand[k]) < 1e-12) }
        // Network MAE 1.5 against 2: the network alone, though a mix would validate better still.
        let better = try #require(Anchor.choose(origins(network: 1.5, baseline: -2), series: s, horizon: 6))
        #expect(better.best == 0 && better.errors.contains { $0 < better.errors[0] })
        // A network gone NaN: the baseline alone.
        let broken = try #require(Anchor.choose(origins(network: .nan, baseline: -2), series: s, horizon: 6))
        #expect(Anchor.weights[broken.best] == 0 && abs(broken.errors.last! - 2) < 1e-12)
        // Nothing observed to score: no choice.
        #expect(Anchor.choose([], series: s, horizon: 6) == nil)
        // The baseline alone forecasts the baseline's values, whatever the network's are.
        var fallenBack = try Anchor.fallback(s, configuration(), reason: "test")
        fallenBack.unfitted = nil
        let nan = Forecast(point: Array(repeating: .nan, count: 6))
        #expect(try fallenBack.mixed(nan).point == fallenBack.forecast(horizon: 6).point)
        #expect(try fallenBack.mixed(nan).point.allSatisfy(\.isFinite))
    }

    @Test func theMixIsTheWeightedForecastOfTheLeastValidationError() throws {
        let s = noisy(200)
        var model = RecurrentForecaster(configuration())
        try model.fit(s)
        let anchor = try #require(model.anchor)
        let mix = try #require(anchor.mixError), network = try #require(anchor.networkError), base = try #require(anchor.baselineError)
        #expect(mix <= network && mix <= base)
        #expect(Anchor.weights.contains(anchor.weight))
        // The forecast is w x the networks' + (1 - w) x the baseline's, intervals moved with it.
        var alone = model
        alone.anchor = nil
        let networks = try alone.predict(horizon: 6).point, baseline = try anchor.forecast(horizon: 6).point
        let mixed = try model.predict(horizon: 6).point
        for h in 0..<6 { #expect(abs(mixed[h] - (anchor.weight * networks[h] + (1 - anchor.weight) * baseline[h])) < 1e-12) }
    }

    @Test func aShortHistoryShrinksTheWindowOrFallsBackToTheBaseline() throws {
        let c = configuration()
        // 30 rows: the default window of 24 leaves one window; 17 leaves the eight a default keeps.
        var model = RecurrentForecaster(c)
        try model.fit(periodic(30))
        #expect(model.configuration.window == 17 && model.windowShortened && !model.isFallback)
        #expect(model.fitNotes.first == "input window 17 instead of 24: the history has 30 rows")
        #expect(try model.predict(horizon: 6).point.allSatisfy(\.isFinite))
        // 15 rows: not even a window of a season and a step (13 + 6 + 1 rows): seasonal naive.
        var tiny = RecurrentForecaster(c)
        try tiny.fit(periodic(15))
        #expect(tiny.isFallback && tiny.anchor?.baseline.period == 12)
        #expect(try tiny.predict(horizon: 6).point == Array(periodic(15).target[3..<9]))
        #expect(try #require(tiny.fitSummary).source == .baseline("seasonal-naive"))
        // Fewer rows than a season: naive.
        var shorter = RecurrentForecaster(c)
        try shorter.fit(periodic(5))
        #expect(shorter.isFallback && shorter.anchor?.baseline.period == 1)
        #expect(try shorter.predict(horizon: 3).point == Array(repeating: periodic(5).target[4], count: 3))
        // A window given is not shrunk: a history too short for it gets the baseline.
        var given = c
        given.inputLength = 24
        var explicit = RecurrentForecaster(given)
        try explicit.fit(periodic(30))
        #expect(explicit.isFallback)
        // An empty series is the one that gets no forecast.
        var empty = RecurrentForecaster(c)
        #expect(throws: ForecastingError.self) { try empty.fit(SeriesData(target: [])) }
    }

    @Test func theAnchorTravelsThroughTheModelFileAndUpdates() throws {
        var model = RecurrentForecaster(configuration())
        try model.fit(noisy(200))
        let path = temporaryPath("anchored.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        var loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.anchor == model.anchor)
        #expect(try loaded.predict(horizon: 6) == model.predict(horizon: 6))
        let rows = Array(noisy(210).target[200...])
        try model.update(with: rows)
        try loaded.update(with: rows)
        #expect(loaded.anchor == model.anchor && loaded.anchor?.baseline.lastValue == rows.last)
        #expect(try loaded.predict(horizon: 6) == model.predict(horizon: 6))
        // A model that fell back is saved as its baseline.
        var tiny = RecurrentForecaster(configuration())
        try tiny.fit(periodic(15))
        let fallback = temporaryPath("fallback.safetensors")
        try ModelFile(forecaster: tiny, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: fallback)
        let file = try ModelFile.read(path: fallback)
        #expect(file.model.kind == .seasonalNaive && file.forecastHorizon == 6)
        guard case .baseline(let baseline) = file.model else { Issue.record("not a baseline"); return }
        #expect(try baseline.predict(horizon: 6).point == tiny.predict(horizon: 6).point)
        #expect(file.observations == 15)
        // One shorter than a season falls back to naive, saved as naive.
        var shorter = RecurrentForecaster(configuration())
        try shorter.fit(periodic(5))
        try ModelFile(forecaster: shorter, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: fallback)
        let naive = try ModelFile.read(path: fallback)
        #expect(naive.model.kind == .naive && naive.observations == 5)
    }

    @Test func theSearchProbesEveryPointAndChoosesTheSameForTheSameSeed() throws {
        var c = configuration()
        c.search = .quick
        c.normalization = .auto
        c.maxSteps = 40
        let s = noisy(150)
        var a = RecurrentForecaster(c), b = RecurrentForecaster(c)
        try a.fit(s)
        try b.fit(s)
        let scalings = SettingsSearch.scalings(c, s)
        let probes = try #require(a.report.probes)
        // The first stage: the settings asked for with every scaling; the second: the other
        // three points of a quick search, all from the scaling that validated best.
        #expect(probes.count == scalings.count + 3 && scalings.count >= 2)
        #expect(probes.prefix(scalings.count).allSatisfy { $0.settings == nil })
        #expect(Set(probes.suffix(3).compactMap(\.settings)).count == 3)
        let firstStage = probes.prefix(scalings.count)
        let best = firstStage.min { $0.validationError < $1.validationError }!
        #expect(probes.suffix(3).allSatisfy { $0.normalization == best.normalization })
        #expect(a.members.map { NetworkSettings($0.configuration) } == b.members.map { NetworkSettings($0.configuration) })
        #expect(a.report.probes == b.report.probes)
        #expect(try a.predict(horizon: 6) == b.predict(horizon: 6))
        #expect(a.members.count <= SettingsSearch.maxMembers)
        // A budget of 40 steps is below a first round's 300: every round is the whole budget,
        // so each candidate trains 40 steps at most and the bound is 40 per candidate.
        #expect(a.fitNotes.contains("the search tried \(probes.count) candidates (at most \(40 * probes.count) optimizer steps)"))
        #expect(a.models.allSatisfy { $0.training.steps <= 40 })
        // A budget of 3,000: 375 steps each, then a third (2 of 6) to 1,125, then those two to 3,000.
        let search = SettingsSearch(budget: 3000, season: 12, progress: nil, combine: true)
        #expect(search.stepBound(candidates: 6, searching: true) == 6 * 375 + 2 * 750 + 2 * 1875)
        #expect(search.stepBound(candidates: 3, searching: false) == 3 * 375 + 3 * 750 + 3 * 1875)
    }

    @Test func searchPointsMoveTheSettingsAskedFor() {
        var c = configuration()
        c.hiddenSize = 32
        c.learningRate = 0.002
        let bigger = SettingsSearch.Point(hidden: 2, layersAdded: 1, dropout: 0.1).applied(to: c)
        #expect(bigger.hiddenSize == 64 && bigger.layers == 2 && bigger.dropout == 0.1 && bigger.learningRate == 0.002)
        let longer = SettingsSearch.Point(window: 1.5).applied(to: c)
        #expect(longer.window == 36 && longer.hiddenSize == 32)
        let shorter = SettingsSearch.Point(window: 0.5).applied(to: c)
        #expect(shorter.window == 13)  // at least a season and a step
        #expect(SettingsSearch.Point().applied(to: c) == c)
        #expect(SettingsSearch.Level.off.points == [SettingsSearch.Point()])
        #expect(SettingsSearch.Level.thorough.points.count == 12 && SettingsSearch.Level.thorough.points.contains { $0.cell == .lstm })
    }

    @Test func transformsMapBackAndGuerreroFindsTheLogOfAMultiplicativeSeason() throws {
        // A season whose swing grows with the level: the log makes it constant.
        let multiplicative = (0..<120).map { t in exp(0.02 * Double(t)) * (10 + 3 * sin(2 * Double.pi * Double(t) / 12)) }
        #expect(TargetTransform.guerrero(multiplicative, season: 12) == 0)
        // A swing that does not grow: no transform (lambda 1).
        let additive = (0..<120).map { t in 100 + 0.5 * Double(t) + 3 * sin(2 * Double.pi * Double(t) / 12) }
        #expect(TargetTransform.guerrero(additive, season: 12) == 1)
        #expect(try TargetTransform.fitted(.boxCox, to: additive, season: 12) == nil)
        for lambda in [0.0, 0.3, 0.7] {
            let t = TargetTransform(lambda: lambda, smallest: 0.5)
            for x in [0.5, 1, 7.25, 1e4] { #expect(abs(t.invert(t.apply(x)) - x) < 1e-9 * x) }
            #expect(t.apply(0) == t.apply(0.5) && t.apply(-2) == t.apply(0.5))  // a count of 0 in new rows
        }
        #expect(TargetTransform(lambda: 0.5, smallest: 1).invert(-3) == 0)  // below the transform's range
        // A value that is not positive: refused by name, skipped by auto.
        #expect(throws: ForecastingError.self) { try TargetTransform.fitted(.log, to: [1, 0, 2], season: 1) }
        #expect(try TargetTransform.fitted(.auto, to: [1, 0, 2], season: 1) == nil)
    }

    @Test func aTransformedModelForecastsInTheDataUnitsAndTravelsThroughTheModelFile() throws {
        var c = configuration()
        c.transform = .log
        c.shrinks = false
        let s = SeriesData(name: "growing", target: (0..<150).map { t in
            exp(0.02 * Double(t)) * (10 + 3 * sin(2 * Double.pi * Double(t) / 12))
        })
        var model = RecurrentForecaster(c)
        try model.fit(s)
        #expect(model.transform?.lambda == 0 && model.transform?.smallest == s.target.min())
        // The networks forecast logs; the forecast is their exponential.
        var logs = model
        logs.transform = nil
        let inner = try logs.predict(horizon: 6).point, outer = try model.predict(horizon: 6).point
        for h in 0..<6 { #expect(abs(outer[h] - exp(inner[h])) < 1e-9 * outer[h]) }
        let path = temporaryPath("log.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        var loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.transform == model.transform)
        #expect(try loaded.predict(horizon: 6) == model.predict(horizon: 6))
        // New rows go through the transform too: the networks take their logs.
        let rows = (150..<153).map { t in exp(0.02 * Double(t)) * (10 + 3 * sin(2 * Double.pi * Double(t) / 12)) }
        try model.update(with: rows)
        try loaded.update(with: rows)
        try logs.update(with: rows.map { log($0) })
        #expect(try loaded.predict(horizon: 6) == model.predict(horizon: 6))
        let updated = try model.predict(horizon: 6).point, inside = try logs.predict(horizon: 6).point
        for h in 0..<6 { #expect(abs(updated[h] - exp(inside[h])) < 1e-9 * updated[h]) }
        // `auto` fits with and without Box-Cox and says what each validated.
        var auto = configuration()
        auto.transform = .auto
        var chosen = RecurrentForecaster(auto)
        try chosen.fit(s)
        #expect(chosen.fitNotes.contains { $0.hasPrefix("transforms tried (the networks' validation MAE): none ") })
    }
}
