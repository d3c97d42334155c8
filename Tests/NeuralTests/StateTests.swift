@testable import Neural
import Support
import Testing

@Suite struct StateTests {
    @Test(arguments: CellKind.allCases)
    func carryingStateEqualsOneLongSequence(_ cell: CellKind) {
        let config = NetworkConfiguration(cell: cell, inputSize: 2, hiddenSize: 6, layers: 2, outputSize: 1, outputMode: .everyStep)
        let network = RecurrentNetwork(config, seed: 3)
        var g = SplitMix64(seed: 5)
        let (b, t1, t2) = (3, 7, 5)
        let whole = (0..<(b * (t1 + t2) * 2)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let total = t1 + t2
        func slice(_ from: Int, _ count: Int) -> [Float] {
            var out: [Float] = []
            for s in 0..<b {
                let start = (s * total + from) * 2
                out += whole[start..<(start + count * 2)]
            }
            return out
        }
        let full = network.forward(whole, batch: b, steps: t1 + t2)
        let fullState = network.finalState
        _ = network.forward(slice(0, t1), batch: b, steps: t1)
        let second = network.forward(slice(t1, t2), batch: b, steps: t2, initialState: network.finalState)
        var expected: [Float] = []
        for s in 0..<b { expected += full[(s * total + t1)..<((s + 1) * total)] }
        #expect(zip(second, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(network.finalState.hidden, fullState.hidden).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func dropoutOnlyWhileTrainingAndSeeded() {
        let config = NetworkConfiguration(cell: .gru, inputSize: 1, hiddenSize: 8, layers: 3, outputSize: 2, dropout: 0.5)
        let x: [Float] = (0..<20).map { Float($0) / 10 }
        let a = RecurrentNetwork(config, seed: 1), b = RecurrentNetwork(config, seed: 1)
        #expect(a.forward(x, batch: 2, steps: 10) == a.forward(x, batch: 2, steps: 10))
        let trainA = a.forward(x, batch: 2, steps: 10, training: true)
        #expect(trainA != a.forward(x, batch: 2, steps: 10))
        #expect(trainA == b.forward(x, batch: 2, steps: 10, training: true))  // same seed, same masks
        let worst = GradientCheck.worstRelativeError(network: RecurrentNetwork(config, seed: 2), x: x, target: [0, 1, 0, 1],
                                                     batch: 2, steps: 10, loss: .mse)
        #expect(worst < 2e-2)  // dropout off in the check's forward passes: plain stacked gradients
    }

    @Test func truncatedBackpropagationCutsTheRecurrentGradient() {
        let config = NetworkConfiguration(cell: .rnnTanh, inputSize: 1, hiddenSize: 4, outputSize: 1, outputMode: .everyStep)
        let network = RecurrentNetwork(config, seed: 2)
        let x: [Float] = (0..<12).map { Float($0 % 3) - 1 }
        let y = [Float](repeating: 0, count: 12)
        let prediction = network.forward(x, batch: 1, steps: 12)
        let dPred = Loss.mse.evaluate(prediction: prediction, target: y).gradient
        network.zeroGradients()
        let full = network.backward(dPred, inputGradient: true) ?? []
        network.zeroGradients()
        _ = network.forward(x, batch: 1, steps: 12)
        let cut = network.backward(dPred, inputGradient: true, truncation: 4) ?? []
        // Inside the last block of 4 steps the gradients agree; before it they differ.
        #expect(zip(full[8...], cut[8...]).allSatisfy { abs($0 - $1) < 1e-7 })
        #expect(zip(full[..<8], cut[..<8]).contains { abs($0 - $1) > 1e-6 })
    }

    @Test func sameSeedSameWeightsAndXavierOrthogonal() {
        let config = NetworkConfiguration(cell: .lstm, inputSize: 3, hiddenSize: 6, outputSize: 1)
        #expect(RecurrentNetwork(config, seed: 4).parameters.array == RecurrentNetwork(config, seed: 4).parameters.array)
        #expect(RecurrentNetwork(config, seed: 4).parameters.array != RecurrentNetwork(config, seed: 5).parameters.array)
        let bound = 1 / Float(6).squareRoot()
        #expect(RecurrentNetwork(config, seed: 4).tensor("rnn.weight_hh_l0")!.allSatisfy { abs($0) <= bound })
        let keras = RecurrentNetwork(config, initialization: Initialization(scheme: .xavierOrthogonal, forgetGateBias: true), seed: 4)
        let w = keras.tensor("rnn.weight_hh_l0")!  // [4*6, 6]: four orthogonal 6x6 blocks
        for block in 0..<4 {
            for i in 0..<6 {
                for j in 0..<6 {
                    var dot: Float = 0
                    for k in 0..<6 { dot += w[(block * 6 + i) * 6 + k] * w[(block * 6 + j) * 6 + k] }
                    #expect(abs(dot - (i == j ? 1 : 0)) < 1e-5)
                }
            }
        }
        let bias = keras.tensor("rnn.bias_ih_l0")!
        #expect(bias[6..<12].allSatisfy { $0 == 1 } && bias[0..<6].allSatisfy { $0 == 0 })
    }
}

@Suite struct InitialStateGradientTests {
    @Test(arguments: [CellKind.gru, .lstm])
    func initialStateGradientByCentralDifferences(_ cell: CellKind) {
        let config = NetworkConfiguration(cell: cell, inputSize: 2, hiddenSize: 4, layers: 2, outputSize: 1, outputMode: .everyStep)
        let network = RecurrentNetwork(config, seed: 6)
        var g = SplitMix64(seed: 2)
        let x = (0..<(2 * 5 * 2)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let y = (0..<(2 * 5)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        var s0 = RecurrentState.zeros(config, batch: 2)
        s0.hidden = s0.hidden.map { _ in Float(g.nextUniform(in: -0.5, 0.5)) }
        s0.cell = s0.cell?.map { _ in Float(g.nextUniform(in: -0.5, 0.5)) }
        func loss(_ s: RecurrentState) -> Double {
            Double(Loss.mse.evaluate(prediction: network.forward(x, batch: 2, steps: 5, initialState: s), target: y).loss)
        }
        let (_, d) = Loss.mse.evaluate(prediction: network.forward(x, batch: 2, steps: 5, initialState: s0), target: y)
        network.zeroGradients()
        network.backward(d)
        let analytic = network.initialStateGradient!  // set by backward
        for i in stride(from: 0, to: s0.hidden.count, by: 3) {
            var plus = s0, minus = s0
            plus.hidden[i] += 1e-2
            minus.hidden[i] -= 1e-2
            let numeric = (loss(plus) - loss(minus)) / 2e-2
            #expect(abs(numeric - Double(analytic.hidden[i])) / max(abs(numeric) + abs(Double(analytic.hidden[i])), 1e-3) < 2e-2)
        }
        if cell == .lstm {
            for i in stride(from: 1, to: s0.hidden.count, by: 3) {
                var plus = s0, minus = s0
                plus.cell![i] += 1e-2
                minus.cell![i] -= 1e-2
                let numeric = (loss(plus) - loss(minus)) / 2e-2
                #expect(abs(numeric - Double(analytic.cell![i])) / max(abs(numeric) + abs(Double(analytic.cell![i])), 1e-3) < 2e-2)
            }
        }
    }
}
