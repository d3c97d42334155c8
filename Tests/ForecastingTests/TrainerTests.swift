@testable import Forecasting
import Foundation
import Support
import Testing
import TimeSeries

/// Issue 15: one training engine (`Trainer.run`) under every strategy.
@Suite struct TrainerTests {
    func series(_ n: Int = 150) -> SeriesData {
        var g = SplitMix64(seed: 21)
        return SeriesData(name: "s", target: (0..<n).map { t in
            20 + 0.05 * Double(t) + 4 * sin(2 * Double.pi * Double(t) / 12) + 0.4 * g.nextNormal()
        })
    }

    func configuration(_ mode: RecurrentConfiguration.Mode, stateful: Bool = false) -> RecurrentConfiguration {
        var c = RecurrentConfiguration(horizon: 4, season: 12)
        c.mode = mode
        c.stateful = stateful
        c.hiddenSize = 6
        c.normalization = mode == .manyToOne ? .windowSeasonal : (mode == .manyToMany ? .global : .windowNaive)
        c.maxEpochs = 13
        c.maxSteps = 100_000
        c.patience = 1000   // every epoch runs: the schedule's later epochs are reached
        c.seed = 5
        c.shrinks = false  // the networks' forecasts, not a baseline's
        return c
    }

    /// The strategies of the forecaster, each with the flags that pick it.
    var strategies: [(String, RecurrentConfiguration)] {
        [("many-to-one", configuration(.manyToOne)), ("many-to-many", configuration(.manyToMany)),
         ("stateful many-to-many", configuration(.manyToMany, stateful: true)),
         ("encoder-decoder", configuration(.encoderDecoder))]
    }

    @Test func everyStrategyHonoursTheSchedule() throws {
        // `step` halves the rate after 10 epochs: epochs 11-13 differ from `constant` only if
        // the strategy's loop reads the schedule (the encoder-decoder's own loop did not).
        for (name, base) in strategies {
            var constant = base, step = base
            constant.schedule = .constant
            step.schedule = .step
            var a = RecurrentForecaster(constant), b = RecurrentForecaster(step)
            try a.fit(series())
            try b.fit(series())
            #expect(a.report.epochs == 13 && b.report.epochs == 13, "\(name)")
            #expect(try a.predict(horizon: 4).point != b.predict(horizon: 4).point, "\(name)")
        }
    }

    @Test func everyOptimizerTrainsEveryStrategy() throws {
        for (name, base) in strategies {
            var forecasts: [[Double]] = []
            for kind in RecurrentConfiguration.OptimizerKind.allCases {
                var c = base
                c.optimizer = kind
                c.learningRate = kind == .sgd ? 0.05 : 0.01
                var model = RecurrentForecaster(c)
                try model.fit(series())
                // Training improved on the starting weights (epoch 0) by the validation loss.
                #expect(model.report.bestEpoch > 0, "\(name), \(kind)")
                forecasts.append(try model.predict(horizon: 4).point)
            }
            #expect(Set(forecasts).count == forecasts.count, "\(name): the optimizers gave the same forecast")
        }
    }

    @Test func noOptimizerInAConfigurationIsAdam() throws {
        var c = configuration(.manyToOne)
        c.maxEpochs = 3
        var implicit = RecurrentForecaster(c)
        c.optimizer = .adam
        var explicit = RecurrentForecaster(c)
        try implicit.fit(series())
        try explicit.fit(series())
        #expect(try implicit.predict(horizon: 4) == explicit.predict(horizon: 4))
    }
}

@Suite struct TrainerResumeTests {
    /// Training in parts: `maxEpochs` counts the epochs of every part, so a part that starts
    /// at the limit trains nothing and leaves the weights as they are.
    @Test func aResumedRunAtTheEpochLimitTrainsNothing() throws {
        var c = RecurrentConfiguration(horizon: 2, season: 1)
        c.hiddenSize = 3
        c.maxEpochs = 2
        c.patience = 100
        let network = c.makeNetwork()
        var trainer = Trainer(configuration: c, network: network)
        func sample(_ i: Int) -> TrainingSample {
            TrainingSample(input: Array(repeating: Float(i % 5) / 5, count: c.window), target: [Float(i % 3), 1])
        }
        let first = try trainer.train(samples: 40, sample)
        #expect(first.epochs == 2)
        let weights = network.parameters.array
        let again = try trainer.train(samples: 40, resuming: first, sample)
        #expect(again == first && network.parameters.array == weights)
        c.maxEpochs = 3
        var longer = Trainer(configuration: c, network: network)
        #expect(try longer.train(samples: 40, resuming: first, sample).epochs == 3)  // one epoch left: it runs
    }
}
