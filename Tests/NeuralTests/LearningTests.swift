@testable import Neural
import Support
import Testing

/// Small problems that show the engine learns what the RNN articles say each cell learns.
/// They train for a few seconds in release builds (`make test`).
@Suite(.serialized) struct LearningTests {
    /// Trains `network` on classification batches drawn by `batch` for `steps` Adam steps.
    func train(_ network: RecurrentNetwork, steps: Int, learningRate: Double, clip: Double = 5,
               batch: (inout SplitMix64) -> (x: [Float], y: [Float], b: Int, t: Int)) {
        let adam = Optimizer(.adam, learningRate: learningRate, parameterCount: network.parameters.count)
        var g = SplitMix64(seed: 100)
        for _ in 0..<steps {
            let (x, y, b, t) = batch(&g)
            network.zeroGradients()
            let logits = network.forward(x, batch: b, steps: t, training: true)
            let (_, d) = Loss.softmaxCrossEntropy.evaluate(prediction: logits, target: y)
            network.backward(d)
            GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: clip)
            adam.update(network.parameters, gradients: network.gradients)
        }
    }

    func accuracy(_ network: RecurrentNetwork, _ x: [Float], _ y: [Float], b: Int, t: Int) -> Double {
        let logits = network.forward(x, batch: b, steps: t)
        let c = logits.count / y.count
        var right = 0
        for i in y.indices {
            let row = logits[(i * c)..<((i + 1) * c)]
            if row.firstIndex(of: row.max()!)! - i * c == Int(y[i]) { right += 1 }  // rows are non-empty
        }
        return Double(right) / Double(y.count)
    }

    /// min-char-rnn's example: after h, he, hel, hell the next letters are e, l, l, o.
    @Test func helloCharacterModel() {
        let vocabulary: [Character] = ["h", "e", "l", "o"]
        func oneHot(_ text: String) -> [Float] {
            text.flatMap { ch in vocabulary.map { $0 == ch ? Float(1) : 0 } }
        }
        let x = oneHot("hell")
        let y: [Float] = "ello".map { Float(vocabulary.firstIndex(of: $0)!) }  // letters of the vocabulary
        let network = RecurrentNetwork(NetworkConfiguration(cell: .rnnTanh, inputSize: 4, hiddenSize: 8, outputSize: 4,
                                                            outputMode: .everyStep), seed: 1)
        train(network, steps: 300, learningRate: 0.02) { _ in (x, y, 1, 4) }
        let logits = network.forward(x, batch: 1, steps: 4)
        let predicted = (0..<4).map { t -> Character in
            let row = Array(logits[(t * 4)..<(t * 4 + 4)])
            return vocabulary[row.firstIndex(of: row.max()!)!]  // four logits per step
        }
        #expect(String(predicted) == "ello")
    }

    /// Noisy rising and falling sequences: many-to-one GRU above 95% on held-out samples.
    @Test func gruTellsRisingFromFalling() {
        let t = 20
        func samples(_ n: Int, _ g: inout SplitMix64) -> ([Float], [Float]) {
            var x: [Float] = [], y: [Float] = []
            for _ in 0..<n {
                let rising = g.next() % 2 == 0
                let slope = g.nextUniform(in: 0.02, 0.1) * (rising ? 1 : -1), start = g.nextUniform(in: -1, 1)
                for s in 0..<t { x.append(Float(start + slope * Double(s) + 0.15 * g.nextNormal())) }
                y.append(rising ? 1 : 0)
            }
            return (x, y)
        }
        let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 1, hiddenSize: 16, outputSize: 2), seed: 2)
        train(network, steps: 400, learningRate: 0.01) { g in
            let (x, y) = samples(32, &g)
            return (x, y, 32, t)
        }
        var held = SplitMix64(seed: 999)
        let (x, y) = samples(500, &held)
        let acc = accuracy(network, x, y, b: 500, t: t)
        print("rising/falling GRU held-out accuracy: \(acc)")
        #expect(acc > 0.95)
    }

    /// Recall the sign of the first value of a 50-step sequence of U(-1, 1) noise: GRU and
    /// LSTM above 90%; the plain RNN's figure is reported (its gradient vanishes over 50
    /// steps: here about 0.56 accuracy, ||dL/dx_1|| / ||dL/dx_50|| near 1e-22). The gated
    /// cells start from chrono initialisation for 50 steps: with PyTorch's default biases
    /// their memory also halves every step or two at the start, and 800 steps do not find it.
    @Test func recallTheFirstValueOverFiftySteps() {
        let t = 50
        func samples(_ n: Int, _ g: inout SplitMix64) -> ([Float], [Float]) {
            var x: [Float] = [], y: [Float] = []
            for _ in 0..<n {
                let positive = g.next() % 2 == 0
                x.append(positive ? 1 : -1)
                for _ in 1..<t { x.append(Float(g.nextUniform(in: -1, 1))) }
                y.append(positive ? 1 : 0)
            }
            return (x, y)
        }
        var results: [CellKind: Double] = [:]
        for cell in [CellKind.gru, .lstm, .rnnTanh] {
            let network = RecurrentNetwork(NetworkConfiguration(cell: cell, inputSize: 1, hiddenSize: 24, outputSize: 2),
                                           initialization: Initialization(chronoSteps: t), seed: 3)
            train(network, steps: 800, learningRate: 0.01) { g in
                let (x, y) = samples(64, &g)
                return (x, y, 64, t)
            }
            var held = SplitMix64(seed: 4242)
            let (x, y) = samples(1000, &held)
            results[cell] = accuracy(network, x, y, b: 1000, t: t)
            let flow = network.gradientFlow(Array(x[0..<(64 * t)]), target: Array(y[0..<64]), batch: 64, steps: t,
                                            loss: .softmaxCrossEntropy)
            print("recall first of 50, \(cell.rawValue): held-out accuracy \(results[cell]!), ||dL/dx_1|| / ||dL/dx_50|| = \(flow[0] / max(flow[t - 1], 1e-30))")
        }
        #expect(results[.gru]! > 0.9)
        #expect(results[.lstm]! > 0.9)
    }
}
