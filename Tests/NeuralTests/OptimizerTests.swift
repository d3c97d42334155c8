import Foundation
import Testing
@testable import Neural

@Suite struct OptimizerTests {
    func run(_ rule: Optimizer.Rule, steps: Int, lr: Double = 0.1) -> [Float] {
        let p = AlignedBuffer([1, -2]), g = AlignedBuffer(count: 2)
        let optimizer = Optimizer(rule, learningRate: lr, parameterCount: 2)
        for _ in 0..<steps {
            g[0] = 2 * p[0]  // d/dp of p^2
            g[1] = 2 * p[1]
            optimizer.update(p, gradients: g)
        }
        return p.array
    }

    @Test func sgdWithMomentumByHand() {
        // v1 = g1 = 2; p1 = 1 - 0.1*2 = 0.8; g2 = 1.6; v2 = 0.9*2 + 1.6 = 3.4; p2 = 0.8 - 0.34 = 0.46
        #expect(abs(run(.sgd(momentum: 0.9), steps: 2)[0] - 0.46) < 1e-6)
        #expect(abs(run(.sgd(momentum: 0), steps: 1)[0] - 0.8) < 1e-6)
    }

    @Test func rmspropByHand() {
        // s = 0.01 * 4 = 0.04; p = 1 - 0.1 * 2 / (0.2 + 1e-8)
        #expect(abs(run(.rmsprop(alpha: 0.99, epsilon: 1e-8), steps: 1)[0] - 0.0) < 1e-5)
    }

    @Test func adamFirstStepIsLearningRateTimesSignAndAdamWDecays() {
        let p = run(.adam, steps: 1)
        #expect(abs(p[0] - 0.9) < 1e-6 && abs(p[1] + 1.9) < 1e-6)
        let w = run(.adamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5), steps: 1)
        #expect(abs(w[0] - (1 * (1 - 0.05) - 0.1)) < 1e-6)
        // Many steps of Adam find the minimum of p^2.
        #expect(run(.adam, steps: 500, lr: 0.05).allSatisfy { abs($0) < 1e-2 })
    }

    @Test func clipping() {
        let g = AlignedBuffer([3, 4])
        let norm = GradientClipping.clipByGlobalNorm(g, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(g[0] - 0.6) < 1e-5 && abs(g[1] - 0.8) < 1e-5)
        let v = AlignedBuffer([3, -4, 0.5])
        GradientClipping.clipByValue(v, limit: 1)
        #expect(v.array == [1, -1, 0.5])
    }

    @Test func schedules() {
        #expect(LearningRateSchedule(.step(every: 10, gamma: 0.5), base: 1).rate(epoch: 25) == 0.25)
        let cosine = LearningRateSchedule(.cosine(epochs: 10, minimum: 0), base: 1)
        #expect(cosine.rate(epoch: 0) == 1 && abs(cosine.rate(epoch: 5) - 0.5) < 1e-12 && cosine.rate(epoch: 10) < 1e-12)
        var plateau = LearningRateSchedule(.reduceOnPlateau(factor: 0.1, patience: 2, minimum: 1e-4), base: 1)
        for loss in [1.0, 0.5, 0.6, 0.6, 0.6] { plateau.observe(validationLoss: loss) }
        #expect(abs(plateau.rate(epoch: 5) - 0.1) < 1e-12)
    }
}
