import Foundation
import Testing
@testable import Neural

@Suite struct LossTests {
    /// Central differences in Double on the loss alone.
    func check(_ loss: Loss, _ p: [Float], _ y: [Float]) {
        let (_, grad) = loss.evaluate(prediction: p, target: y)
        for i in p.indices {
            var plus = p, minus = p
            plus[i] += 1e-3
            minus[i] -= 1e-3
            let numeric = (Double(loss.evaluate(prediction: plus, target: y).loss)
                - Double(loss.evaluate(prediction: minus, target: y).loss)) / 2e-3
            #expect(abs(numeric - Double(grad[i])) <= 2e-3 * max(1, abs(numeric)), "\(loss) at \(i)")
        }
    }

    @Test func gradientsByCentralDifferences() {
        let p: [Float] = [0.3, -1.2, 2.0, 0.05, -0.4, 0.9]
        let y: [Float] = [0.1, -1.0, 1.0, 0.7, -0.2, 0.4]
        check(.mse, p, y)
        check(.mae, p, y)
        check(.huber(delta: 0.5), p, y)
        check(.pinball(quantiles: [0.1, 0.5, 0.9]), p, [0.0, 1.5])
        check(.gaussianNLL, p, [0.5, -1, 0.2])
        check(.studentTNLL, p, [0.5, -1])
        check(.studentTNLL, [0.2, 0.5, -0.3, 0.4, -1.0, 1.5, -0.5, 0, 0], [1.3, -2, 5])
        check(.softmaxCrossEntropy, p, [2, 0])
    }

    @Test func valuesByTheirFormulas() {
        #expect(Loss.mse.evaluate(prediction: [1, 3], target: [0, 0]).loss == 5)
        #expect(Loss.mae.evaluate(prediction: [1, -3], target: [0, 0]).loss == 2)
        #expect(Loss.huber(delta: 1).evaluate(prediction: [0.5, 3], target: [0, 0]).loss == Float((0.125 + 2.5) / 2))
        // q = 0.9: under-forecast by 1 costs 0.9, over-forecast by 1 costs 0.1
        #expect(abs(Loss.pinball(quantiles: [0.9]).evaluate(prediction: [0, 2], target: [1, 1]).loss - 0.5) < 1e-7)
        let ce = Loss.softmaxCrossEntropy.evaluate(prediction: [0, 0, 0, 0], target: [3]).loss
        #expect(abs(Double(ce) - log(4.0)) < 1e-6)
        let nll = Loss.gaussianNLL.evaluate(prediction: [0, Float(log(exp(1.0) - 1))], target: [0]).loss  // variance 1
        #expect(abs(Double(nll) - 0.5 * log(2 * Double.pi)) < 1e-5)
        // Student-t: -scipy.stats.t.logpdf(y, nu, loc=mu, scale=sigma) with sigma = softplus(a) + 1e-6,
        // nu = 2 + softplus(b), for (y, mu, a, b) = (1.3, 0.2, 0.5, -0.3), (-2, 0.4, -1, 1.5), (5, -0.5, 0, 0).
        let cases: [(Float, Float, Float, Float, Double)] = [(1.3, 0.2, 0.5, -0.3, 1.7080730776163973),
                                                             (-2, 0.4, -1, 1.5, 6.465286101852033),
                                                             (5, -0.5, 0, 0, 6.540775330875491)]
        for (y, mu, a, b, expected) in cases {
            let t = Loss.studentTNLL.evaluate(prediction: [mu, a, b], target: [y]).loss
            #expect(abs(Double(t) - expected) < 1e-5 * expected, "\(y) \(mu) \(a) \(b): \(t)")
        }
        // Many degrees of freedom: the Gaussian's NLL with the same scale.
        let wide = Loss.studentTNLL.evaluate(prediction: [0, Float(log(exp(1.0) - 1)), 1e4], target: [0.5]).loss
        #expect(abs(Double(wide) - (0.5 * log(2 * Double.pi) + 0.125)) < 1e-3)
    }

    @Test func digammaAndLogGammaAgreeWithKnownValues() {
        // psi(1) = -Euler-Mascheroni, psi(0.5) = -gamma - 2 log 2, psi(x + 1) = psi(x) + 1 / x.
        let euler = 0.5772156649015329
        #expect(abs(Loss.digamma(1) + euler) < 1e-12)
        #expect(abs(Loss.digamma(0.5) - (-euler - 2 * log(2.0))) < 1e-12)
        #expect(abs(Loss.digamma(7.3) - Loss.digamma(6.3) - 1 / 6.3) < 1e-12)
        #expect(abs(Loss.logGamma(5) - log(24.0)) < 1e-12)
        // The derivative of log Gamma by central differences.
        for x in [0.7, 2.5, 11.0] {
            let numeric = (Loss.logGamma(x + 1e-5) - Loss.logGamma(x - 1e-5)) / 2e-5
            #expect(abs(numeric - Loss.digamma(x)) < 1e-7)
        }
    }
}
