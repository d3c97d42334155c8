@testable import Forecasting
import Foundation
@testable import Neural
import Support
import TestSupport
import Testing
import TimeSeries

@Suite struct RecurrentForecasterTests {
    /// A noisy seasonal series with a trend.
    func series(_ n: Int = 160, season: Int = 12) -> SeriesData {
        var g = SplitMix64(seed: 8)
        let values = (0..<n).map { t in
            10 + 0.05 * Double(t) + 3 * sin(2 * Double.pi * Double(t) / Double(season)) + 0.3 * g.nextNormal()
        }
        let stamps = (0..<n).map { Frequency.months(1).advance(Timestamp(year: 2000, month: 1, day: 1), by: $0) }
        return SeriesData(name: "synthetic", target: values, timestamps: stamps, frequency: .months(1))
    }

    func configuration(_ normalization: RecurrentConfiguration.Normalization = .windowSeasonal) -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.hiddenSize = 16
        c.maxSteps = 150
        c.normalization = normalization
        c.shrinks = false  // the networks' own forecasts (FitChoiceTests has the baseline's part)
        c.seed = 3
        return c
    }

    @Test func beforeTrainingItIsSeasonalNaive() throws {
        var c = configuration()
        c.maxEpochs = 1
        c.learningRate = 1e-12  // nothing moves
        var model = RecurrentForecaster(c)
        let s = series()
        try model.fit(s)
        var naive = SeasonalNaive(period: 12)
        try naive.fit(s)
        let a = try model.predict(horizon: 6).point, b = try naive.predict(horizon: 6).point
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func sameSeedSameForecastAndModelFileRoundTrip() throws {
        let s = series()
        var a = RecurrentForecaster(configuration()), b = RecurrentForecaster(configuration())
        try a.fit(s)
        try b.fit(s)
        let forecast = try a.predict(horizon: 6)
        #expect(forecast == (try b.predict(horizon: 6)))
        let path = temporaryPath("model.safetensors")
        let file = ModelFile(forecaster: a, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                             lastTimestamp: s.timestamps?.last, provenance: ["seed": "3"])
        try file.write(to: path)
        let loaded = try ModelFile.read(path: path)
        #expect(try loaded.forecaster.predict(horizon: 6) == forecast)
        #expect(loaded.frequency == .months(1) && loaded.target == "y" && loaded.provenance["seed"] == "3")
        #expect(try loaded.forecaster.configuration == a.configuration)
    }

    /// A Student-t head: the location is the point forecast (the network's first output per
    /// step, unsampled), sampled paths give nested 80%, 90% and 95% intervals around it, and
    /// the model file keeps the head.
    @Test func studentTHeadForecastsItsLocationWithIntervals() throws {
        var c = configuration()
        c.head = .studentT
        c.samples = 400
        #expect(c.outputsPerStep == 3 && c.trainingLoss == .studentTNLL)
        var model = RecurrentForecaster(c)
        try model.fit(series())
        let f = try model.predict(horizon: 6)
        #expect(f.intervals.map(\.coverage).map { ($0 * 100).rounded() } == [80, 90, 95])
        for h in 0..<6 {
            #expect(f.point[h].isFinite)
            #expect(f.intervals[2].lower[h] <= f.intervals[0].lower[h] && f.intervals[0].upper[h] <= f.intervals[2].upper[h])
            #expect(f.intervals[0].lower[h] < f.point[h] && f.point[h] < f.intervals[0].upper[h])
        }
        let path = temporaryPath("student-t.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.configuration.head == .studentT)
        #expect(try loaded.predict(horizon: 6) == f)
        // Many-to-many samples from a Gaussian only: the rule book refuses the Student-t head there.
        var sequence = c
        sequence.mode = .manyToMany
        sequence.normalization = .global
        #expect(throws: ForecastingError.self) { try sequence.validate() }
    }

    @Test func quantileHeadGivesOrderedIntervals() throws {
        var c = configuration()
        c.quantiles = [0.1, 0.5, 0.9]
        var model = RecurrentForecaster(c)
        try model.fit(series())
        let f = try model.predict(horizon: 6)
        #expect(f.quantiles.map(\.level) == [0.1, 0.5, 0.9])
        #expect(f.intervals.count == 1 && abs(f.intervals[0].coverage - 0.8) < 1e-12)
        for h in 0..<6 { #expect(f.intervals[0].lower[h] <= f.point[h] && f.point[h] <= f.intervals[0].upper[h]) }
    }

    @Test func autoCombinesTheScalingsThatValidateCloseAndErrorsAreClear() throws {
        let s = series()
        var model = RecurrentForecaster(configuration(.auto))
        try model.fit(s)
        #expect(model.configuration.normalization != .auto)
        // Every candidate's first round is reported; the combination is this model and its
        // members, best validated first, and its forecast is their average.
        let probes = try #require(model.report.probes)
        #expect(probes.map(\.normalization) == model.configuration.normalizationCandidates)
        let combined = try #require(model.report.combined)
        #expect(combined == model.models.map(\.configuration.normalization))
        #expect(model.models.allSatisfy { $0.training.steps > 0 && $0.training.steps <= 150 })
        let own = try model.models.map { try $0.predict(horizon: 6) }
        #expect(try model.predict(horizon: 6) == Forecast(averaging: own))
        let path = temporaryPath("auto.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.report.probes == probes && loaded.report.combined == combined)
        #expect(try loaded.predict(horizon: 6) == (try model.predict(horizon: 6)))
        #expect(RecurrentForecaster(configuration()).report.probes == nil)
        var empty = RecurrentForecaster(configuration())
        #expect(throws: ForecastingError.self) { try empty.fit(SeriesData(target: [])) }
        #expect(throws: ForecastingError.self) { try RecurrentForecaster(configuration()).predict(horizon: 3) }
        #expect(throws: NeuralError.self) { try ModelFile.read(path: "/nonexistent.safetensors") }
    }

    /// A combination of two networks is saved, loaded, conditioned on new data and updated
    /// as one model: every member follows.
    @Test func combinationTravelsThroughTheModelFileAndUpdates() throws {
        let s = series()
        var a = RecurrentForecaster(configuration(.windowSeasonal)), b = RecurrentForecaster(configuration(.global))
        try a.fit(s.prefix(150))
        try b.fit(s.prefix(150))
        let pair = RecurrentForecaster(members: a.members + b.members)
        let both = try Forecast(averaging: [a.predict(horizon: 6), b.predict(horizon: 6)])
        #expect(try pair.predict(horizon: 6) == both)
        #expect(both.point != (try a.predict(horizon: 6)).point)
        let path = temporaryPath("combination.safetensors")
        try ModelFile(forecaster: pair, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        var loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.models.map(\.configuration.normalization) == [.windowSeasonal, .global])
        #expect(try loaded.predict(horizon: 6) == both)
        // Ten new rows: updating the combination equals updating each network on its own.
        let new = Array(s.target.suffix(10))
        try loaded.update(with: new)
        try a.update(with: new)
        try b.update(with: new)
        #expect(try loaded.predict(horizon: 6) == Forecast(averaging: [a.predict(horizon: 6), b.predict(horizon: 6)]))
    }

    /// `auto` is one search for every strategy: a many-to-many model probes its scalings
    /// as a many-to-one model does; and a combination of any strategy travels through the
    /// model file (here encoder-decoders: the members' encoders and decoders under `members.K.`).
    @Test func everyStrategySearchesAndCombinationsOfAnyStrategyAreSaved() throws {
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.mode = .manyToMany
        c.hiddenSize = 8
        c.inputLength = 24
        c.maxSteps = 100
        c.seed = 4
        var sequence = RecurrentForecaster(c)
        try sequence.fit(series())
        #expect(try #require(sequence.report.probes).map(\.normalization) == [.global, .differences])
        #expect(sequence.models.allSatisfy { $0.asSequence != nil && $0.training.steps <= 100 })

        var e = RecurrentConfiguration(horizon: 6, season: 12)
        e.mode = .encoderDecoder
        e.hiddenSize = 8
        e.maxSteps = 60
        e.normalization = .windowNaive
        e.shrinks = false
        var a = RecurrentForecaster(e)
        e.normalization = .global
        var b = RecurrentForecaster(e)
        try a.fit(series())
        try b.fit(series())
        let pair = RecurrentForecaster(members: a.members + b.members)
        let path = temporaryPath("ed-pair.safetensors")
        try ModelFile(forecaster: pair, target: "y", covariates: [], frequency: .months(1), timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        #expect(try SafeTensors.read(path: path).tensors["members.1.decoder.weight_hh_l0"] != nil)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.models.map(\.configuration) == pair.models.map(\.configuration))
        #expect(try loaded.predict(horizon: 6) == pair.predict(horizon: 6))
        #expect(try pair.predict(horizon: 6) == Forecast(averaging: [a.predict(horizon: 6), b.predict(horizon: 6)]))
    }

    @Test func seasonalCandidateOnlyWhereSeasonalNaiveBeatsNaive() {
        #expect(WindowScaling.seasonalNaiveBeatsNaive(series().target, season: 12, horizon: 6))
        var g = SplitMix64(seed: 5), level = 100.0
        let walk = (0..<200).map { _ in level += g.nextNormal(); return level }
        #expect(!WindowScaling.seasonalNaiveBeatsNaive(walk, season: 12, horizon: 6))
    }

    /// A six-hourly series (4 steps a day) whose weekends sit lower: seasonal naive a week
    /// back beats seasonal naive a day back, so `auto` anchors `window-seasonal` a week back.
    /// Without weekends it drifts instead, and the day-back anchor is the closer one.
    func weekdaySeries(_ n: Int = 240, weekends: Bool = true) -> SeriesData {
        var g = SplitMix64(seed: 11)
        let sixHours = Frequency.fixed(microseconds: 6 * 3_600_000_000)
        let values = (0..<n).map { t in
            let weekend = weekends && (t / 4) % 7 >= 5
            let drift = weekends ? 0 : 0.2 * Double(t)
            return 50 + drift + 10 * sin(2 * Double.pi * Double(t % 4) / 4) - (weekend ? 15 : 0) + g.nextNormal()
        }
        let stamps = (0..<n).map { sixHours.advance(Timestamp(year: 2000, month: 1, day: 3), by: $0) }
        return SeriesData(name: "weekly", target: values, timestamps: stamps, frequency: sixHours)
    }

    @Test func subDailySeriesWithWeekendsAnchorAWeekBack() throws {
        var c = RecurrentConfiguration(horizon: 4, season: 4)
        c.hiddenSize = 8
        c.maxSteps = 60
        c.seed = 3
        c.shrinks = false
        let s = weekdaySeries()
        #expect(WindowScaling.seasonalNaiveBeats(s.target, season: 28, over: 4, horizon: 4))
        let weekly = try #require(SettingsSearch.weeklyConfiguration(c, s))
        #expect(weekly.normalization == .windowSeasonal && weekly.season == 28 && weekly.window == 32)
        // No weekly pattern, a daily or longer grid, or under three weeks: the day anchor stays.
        #expect(SettingsSearch.weeklyConfiguration(c, weekdaySeries(weekends: false)) == nil)
        #expect(SettingsSearch.weeklyConfiguration(c, weekdaySeries(80)) == nil)
        var monthly = c
        monthly.season = 12
        #expect(SettingsSearch.weeklyConfiguration(monthly, series()) == nil)
        // `auto` probes the weekly candidate in window-seasonal's place; the fitted
        // combination, weekly members included, travels through the model file.
        var model = RecurrentForecaster(c)
        try model.fit(s)
        let probes = try #require(model.report.probes)
        #expect(probes.map(\.label) == ["window-seasonal (m=28)", "window-naive", "global"])
        let path = temporaryPath("weekly.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: s.frequency, timestampStyle: .local,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(loaded.models.map(\.configuration) == model.models.map(\.configuration))
        #expect(try loaded.predict(horizon: 4) == (try model.predict(horizon: 4)))
    }

    /// Training in parts (the rounds of `auto`) continues the same network: epochs add up,
    /// the validation loss never gets worse than where the part started, steps are counted.
    @Test func resumedTrainingContinuesTheNetwork() throws {
        let s = series()
        var model = RecurrentForecaster(configuration(.global))
        try model.fit(s, steps: 60, start: .fresh)
        let first = model.report, firstSteps = model.training.steps
        #expect(firstSteps > 0 && firstSteps <= 60)
        try model.fit(s, steps: 60, start: .resume)
        #expect(model.report.epochs > first.epochs || model.training.finished)
        #expect(model.report.bestValidationLoss <= first.bestValidationLoss)
        #expect(model.training.steps > firstSteps && model.training.steps <= 120)
    }

    @Test func divergenceIsAClearError() throws {
        var c = configuration(.global)
        c.learningRate = 1e30
        c.clipNorm = 0
        var model = RecurrentForecaster(c)
        let huge = SeriesData(target: (0..<100).map { Double($0) * 1e30 })
        #expect(throws: ForecastingError.self) { try model.fit(huge) }
    }
}

@Suite struct SequenceForecasterTests {
    func series(_ n: Int) -> [Double] {
        var g = SplitMix64(seed: 21)
        return (0..<n).map { t in 5 + 0.02 * Double(t) + 2 * sin(2 * Double.pi * Double(t) / 12) + 0.2 * g.nextNormal() }
    }

    func configuration(stateful: Bool, _ normalization: RecurrentConfiguration.Normalization = .global) -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.mode = .manyToMany
        c.stateful = stateful
        c.hiddenSize = 12
        c.inputLength = 24
        c.maxSteps = 120
        c.normalization = normalization
        c.seed = 4
        return c
    }

    @Test(arguments: [false, true])
    func recursiveForecastsAnyHorizon(_ stateful: Bool) throws {
        var model = RecurrentForecaster(configuration(stateful: stateful, .differences))
        try model.fit(SeriesData(target: series(200)))
        let long = try model.predict(horizon: 30)  // longer than the trained horizon
        #expect(long.point.count == 30 && long.point.allSatisfy(\.isFinite))
        #expect(try model.predict(horizon: 6).point == Array(long.point.prefix(6)))
    }

    /// `update` with new rows in two chunks gives the state and forecast of one update
    /// with all of them, and of running the trained network over the whole history.
    @Test func statefulUpdateInChunksEqualsOneUpdateAndTheWholeHistory() throws {
        let all = series(260)
        var base = SequenceForecaster(configuration(stateful: true))
        try base.fit(SeriesData(target: Array(all[0..<220])))
        var once = base, twice = base
        try once.update(with: Array(all[220..<260]))
        try twice.update(with: Array(all[220..<235]))
        try twice.update(with: Array(all[235..<260]))
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 } }
        #expect(close(once.state.extra.hidden, twice.state.extra.hidden))
        let f1 = try once.predict(horizon: 6).point, f2 = try twice.predict(horizon: 6).point
        #expect(zip(f1, f2).allSatisfy { abs($0 - $1) <= 1e-4 })
        var rerun = base
        rerun.warmUp(SeriesData(target: all))  // the trained network over the whole history, from a zero state
        #expect(close(once.state.extra.hidden, rerun.state.extra.hidden))
        #expect(abs(once.state.extra.nextOutput - rerun.state.extra.nextOutput) <= 1e-5)
        #expect(once.state.series.observations == 260)
    }

    @Test func modelFileKeepsTheState() throws {
        var model = RecurrentForecaster(configuration(stateful: true, .differences))
        try model.fit(SeriesData(target: series(150)))
        let path = temporaryPath("seq.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .index, timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(try #require(loaded.asSequence).state == #require(model.asSequence).state)
        #expect(try loaded.predict(horizon: 8) == (try model.predict(horizon: 8)))
    }

    @Test func manyToManyRejectsWindowScalingAndCovariates() throws {
        var model = RecurrentForecaster(configuration(stateful: false, .windowNaive))
        #expect(throws: ForecastingError.self) { try model.fit(SeriesData(target: series(100))) }
        var withCovariates = configuration(stateful: false)
        withCovariates.covariates = ["a"]
        var covariateModel = RecurrentForecaster(withCovariates)
        #expect(throws: ForecastingError.self) {
            try covariateModel.fit(SeriesData(target: series(100), covariates: [series(100)], covariateNames: ["a"]))
        }
    }
}

@Suite struct EncoderDecoderTests {
    @Test func trainsForecastsAndRoundTrips() throws {
        let start = Timestamp(year: 2024, month: 1, day: 1)
        let hourly = Frequency.fixed(microseconds: 3_600_000_000)
        let stamps = (0..<300).map { hourly.advance(start, by: $0) }
        var g = SplitMix64(seed: 5)
        let values = stamps.map { 20 + 4 * sin(2 * Double.pi * CalendarFeature.hourOfDay.phase($0)) + 0.3 * g.nextNormal() }
        var c = RecurrentConfiguration(horizon: 12, season: 24)
        c.mode = .encoderDecoder
        c.calendar = [.hourOfDay]
        c.hiddenSize = 12
        c.maxSteps = 200
        c.seed = 2
        var model = RecurrentForecaster(c)
        let series = SeriesData(target: values, timestamps: stamps, frequency: hourly)
        try model.fit(series)
        #expect(try #require(model.asEncoderDecoder).decoder != nil && model.report.epochs >= 1)
        let forecast = try model.predict(horizon: 12)
        #expect(forecast.point.count == 12 && forecast.point.allSatisfy(\.isFinite))
        // Better than the window's mean on the held-back validation windows.
        #expect(model.validationError(series) < 4)
        let path = temporaryPath("ed.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: hourly, timestampStyle: .utc,
                      lastTimestamp: stamps.last, provenance: [:]).write(to: path)
        let file = try SafeTensors.read(path: path)
        #expect(file.tensors["encoder.weight_ih_l0"] != nil && file.tensors["decoder.weight_hh_l0"] != nil)
        #expect(file.tensors["head.weight"]?.shape == [1, 12])
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(try loaded.predict(horizon: 12) == forecast)
    }
}

@Suite struct GaussianHeadTests {
    func series() -> SeriesData {
        var g = SplitMix64(seed: 12)
        return SeriesData(target: (0..<220).map { t in 3 * sin(Double(t) / 4) + 0.5 * g.nextNormal() })
    }

    /// Every mode the rule book gives a Gaussian head.
    @Test(arguments: RecurrentConfiguration.Mode.allCases.filter { RuleBook.refusal(.init(mode: $0, head: .gaussian)) == nil })
    func sampledPathsGiveOrderedIntervals(_ mode: RecurrentConfiguration.Mode) throws {
        var c = RecurrentConfiguration(horizon: 5, season: 1)
        c.mode = mode
        c.gaussian = true
        c.samples = 300
        c.hiddenSize = 12
        c.maxSteps = 150
        c.inputLength = 20
        c.normalization = .global
        var model = RecurrentForecaster(c)
        try model.fit(series())
        let f = try model.predict(horizon: 5)
        #expect(f.intervals.map(\.coverage) == [0.8, 0.9, 0.95])
        for h in 0..<5 {
            #expect(f.intervals[2].lower[h] <= f.intervals[1].lower[h] && f.intervals[1].upper[h] <= f.intervals[2].upper[h])
            #expect(f.intervals[1].lower[h] <= f.intervals[0].lower[h] && f.intervals[0].lower[h] < f.intervals[0].upper[h])
            #expect(f.intervals[0].upper[h] <= f.intervals[1].upper[h])
            #expect(f.intervals[1].lower[h] < f.point[h] && f.point[h] < f.intervals[1].upper[h])
        }
        #expect(try model.predict(horizon: 5) == f)  // seeded draws
    }
}

@Suite struct GlobalModelTests {
    @Test func oneNetworkForSeveralSeriesOfDifferentLevels() throws {
        var g = SplitMix64(seed: 3)
        func series(_ name: String, level: Double) -> SeriesData {
            SeriesData(name: name, target: (0..<120).map { t in level * (1 + 0.2 * sin(2 * Double.pi * Double(t) / 12)) + g.nextNormal() })
        }
        let panel = [series("small", level: 10), series("large", level: 1000)]
        var c = RecurrentConfiguration(horizon: 6, season: 12)
        c.hiddenSize = 12
        c.maxSteps = 150
        var model = RecurrentForecaster(c)
        try model.fit(panel: panel)
        #expect(model.seriesNames == ["small", "large"])
        let small = try model.forecaster(forSeries: "small").predict(horizon: 6).point
        let large = try model.forecaster(forSeries: "large").predict(horizon: 6).point
        #expect(small.allSatisfy { $0 > 5 && $0 < 15 })
        #expect(large.allSatisfy { $0 > 500 && $0 < 1500 })
        #expect(throws: ForecastingError.self) { try model.forecaster(forSeries: "other") }
        let path = temporaryPath("panel.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .index, timestampStyle: .date,
                      lastTimestamp: nil, provenance: [:]).write(to: path)
        let loaded = try ModelFile.read(path: path).forecaster
        #expect(try loaded.forecaster(forSeries: "large").predict(horizon: 6).point == large)
    }

    @Test func everySeriesInOnePassEqualsOneByOne() throws {
        var g = SplitMix64(seed: 5)
        let panel = (0..<5).map { i in
            SeriesData(name: "s\(i)", target: (0..<90).map { t in
                Double(10 * (i + 1)) * (1 + 0.3 * sin(2 * Double.pi * Double(t) / 6)) + g.nextNormal()
            })
        }
        var c = RecurrentConfiguration(horizon: 4, season: 6)
        c.hiddenSize = 7
        c.maxSteps = 60
        c.quantiles = [0.1, 0.5, 0.9]
        var model = RecurrentForecaster(c)
        try model.fit(panel: panel)
        let views = try panel.map { try model.forecaster(forSeries: $0.name) }
        let together = try RecurrentForecaster.predict(views, horizon: 3)
        let alone = try views.map { try $0.predict(horizon: 3) }
        #expect(together == alone)  // bit for bit
        #expect(Set(together.map(\.point)).count == 5)  // each series its own forecast
        #expect(throws: ForecastingError.self) { try RecurrentForecaster.predict(views, horizon: 5) }
    }
}
