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
    }
}
