import Foundation
import Testing
import TimeSeries
@testable import Forecasting

/// The rule book (issues 29 and 30): every combination of mode, head, stateful, global,
/// covariates, calendar, conformal, warm refits and scaling either trains and forecasts on a
/// tiny series, or is refused by `RuleBook` with a sentence naming the flags; none traps,
/// and none the rule book accepts fails.
@Suite struct RuleBookTests {
    /// A tiny daily series (a weekly wave plus a trend), `count` rows, with a past covariate,
    /// a covariate known in advance and one static value (the series' level).
    static func series(_ name: String, count: Int, level: Double = 10) -> SeriesData {
        let start = Timestamp(microseconds: 1_704_067_200_000_000)  // 2024-01-01
        let stamps = (0..<count).map { Timestamp(microseconds: start.microseconds + Int64($0) * 86_400_000_000) }
        let wave = (0..<count).map { level * (1 + 0.2 * sin(2 * Double.pi * Double($0) / 4)) + 0.05 * Double($0) }
        let driver = (0..<count).map { cos(2 * Double.pi * Double($0) / 4) }
        let known = (0..<count).map { Double($0 % 3) }
        return SeriesData(name: name, target: wave, covariates: [driver], covariateNames: ["driver"], futureCovariates: [known],
                          futureCovariateNames: ["known"], staticCovariates: [level / 100], staticCovariateNames: ["site"],
                          timestamps: stamps, frequency: .fixed(microseconds: 86_400_000_000))
    }

    /// The configuration of `choices` on the tiny series: a network small and short enough
    /// that all the combinations train in seconds.
    static func configuration(_ choices: RuleBook.Choices) -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 3, season: 4)
        c.mode = choices.mode
        c.head = choices.head
        c.stateful = choices.stateful
        c.normalization = choices.normalization
        c.search = choices.search ? .quick : .off
        c.covariates = choices.covariates ? ["driver"] : []
        c.futureCovariates = choices.futureCovariates ? ["known"] : []
        c.staticCovariates = choices.staticCovariates ? ["site"] : []
        c.calendar = choices.calendar ? [.dayOfWeek] : []
        c.hiddenSize = 2
        c.maxSteps = 2
        c.maxEpochs = 2
        c.batchSize = 16
        c.samples = 8
        return c
    }

    /// `series` with the roles the choices take only.
    static func input(_ s: SeriesData, _ choices: RuleBook.Choices) -> SeriesData {
        var out = s
        if !choices.covariates { (out.covariates, out.covariateNames) = ([], []) }
        if !choices.futureCovariates { (out.futureCovariates, out.futureCovariateNames) = ([], []) }
        if !choices.staticCovariates { (out.staticCovariates, out.staticCovariateNames) = ([], []) }
        return out
    }

    /// The values known in advance for the 3 steps after the first `count` rows.
    static func future(_ choices: RuleBook.Choices, after count: Int) -> FutureInputs {
        choices.futureCovariates ? FutureInputs(covariates: [(count..<(count + 3)).map { Double($0 % 3) }]) : .none
    }

    /// Fits and forecasts as `choices` say (a global fit over two series; conformal intervals
    /// around the network; a warm refit on a longer series), expecting finite forecasts.
    static func fitAndForecast(_ choices: RuleBook.Choices) throws {
        let c = configuration(choices)
        let a = input(series("a", count: 60), choices), b = input(series("b", count: 56, level: 100), choices)
        let longer = input(series("a", count: 64), choices)
        var forecasts: [Forecast] = []
        if choices.global {
            var model = RecurrentForecaster(c)
            try model.fit(panel: [a, b])
            if choices.warmRefit { model = try model.warmRefitted(onPanel: [longer, b], steps: 2) }
            let views = try [model.forecaster(forSeries: "a"), model.forecaster(forSeries: "b")]
            forecasts = try RecurrentForecaster.predict(views, horizon: 3, futures: [future(choices, after: choices.warmRefit ? 64 : 60),
                                                                                     future(choices, after: 56)])
        } else if choices.conformal {
            var model = ConformalForecaster(.init(coverages: [0.8], windows: 2, step: 1, horizon: 3)) { RecurrentForecaster(c) }
            try model.fit(a)
            forecasts = [try model.predict(horizon: 3, future: future(choices, after: 60))]
            #expect(forecasts[0].intervals.count == 1)
        } else {
            var model = RecurrentForecaster(c)
            try model.fit(a)
            if choices.warmRefit { model = try model.warmRefitted(on: longer, steps: 2) }
            forecasts = [try model.predict(horizon: 3, future: future(choices, after: choices.warmRefit ? 64 : 60))]
        }
        for forecast in forecasts {
            #expect(forecast.point.count == 3 && forecast.point.allSatisfy(\.isFinite), "\(choices)")
        }
    }

    @Test func everyCombinationTrainsAndForecastsOrIsRefused() throws {
        var accepted = 0, refused = 0
        for choices in RuleBook.Choices.all {
            if let sentence = RuleBook.refusal(choices) {
                refused += 1
                #expect(sentence.contains("--"), "\(choices): \(sentence)")
                // The library refuses it too, with the same sentence, before any network is made.
                if !choices.conformal && !choices.warmRefit {
                    var model = RecurrentForecaster(Self.configuration(choices))
                    let a = Self.input(Self.series("a", count: 60), choices), b = Self.input(Self.series("b", count: 56), choices)
                    #expect(throws: ForecastingError.invalidConfiguration(sentence), "\(choices)") {
                        if choices.global { try model.fit(panel: [a, b]) } else { try model.fit(a) }
                    }
                }
                continue
            }
            accepted += 1
            do { try Self.fitAndForecast(choices) } catch { Issue.record("\(choices): \(error)") }
        }
        // Both sides of the book are walked: neither list is empty nor everything.
        #expect(accepted > 100 && refused > 100, "accepted \(accepted), refused \(refused)")
    }

    @Test func refusalsNameTheFlags() {
        let cases: [(RuleBook.Choices, String)] = [
            (.init(mode: .encoderDecoder, head: .gaussian), "--mode encoder-decoder has a point decoder only: no --gaussian"),
            (.init(mode: .encoderDecoder, stateful: true), "--stateful goes with --mode many-to-one or many-to-many"),
            (.init(head: .quantiles([0.1, 0.1, 0.9])), "--quantiles names the level 0.1 twice"),
            (.init(head: .quantiles([0.1, 0.9]), conformal: true), "--conformal puts intervals around a point forecast; it goes without --quantiles"),
            (.init(conformal: true, warmRefit: true), "--refit warm"),
            (.init(mode: .manyToMany, covariates: true), "--mode many-to-many feeds each forecast back"),
            (.init(stateful: true, global: true), "is not --stateful; add --no-global"),
            (.init(mode: .manyToMany, normalization: .windowNaive), "--normalization window-naive does not go with --mode many-to-many"),
        ]
        for (choices, sentence) in cases {
            #expect(RuleBook.refusal(choices)?.contains(sentence) == true, "\(choices): \(RuleBook.refusal(choices) ?? "accepted")")
        }
        #expect(RuleBook.refusal(.init()) == nil)
        #expect(RuleBook.refusal(.init(mode: .manyToMany, head: .gaussian, stateful: true)) == nil)
    }
}
