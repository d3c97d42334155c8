@testable import Neural
import Support
import Testing

/// Central differences against the backward pass for every cell, both head modes, stacked
/// layers, an initial state and the final state's own gradient.
@Suite struct GradientCheckTests {
    static let cases: [(CellKind, NetworkConfiguration.OutputMode)] =
        CellKind.allCases.flatMap { cell in [(cell, .lastStep), (cell, .everyStep)] }

    @Test(arguments: cases)
    func networkGradients(_ cell: CellKind, _ mode: NetworkConfiguration.OutputMode) {
        let (b, t, f, o) = (3, 6, 2, 2)
        let config = NetworkConfiguration(cell: cell, inputSize: f, hiddenSize: 5, layers: 2, outputSize: o, outputMode: mode)
        let network = RecurrentNetwork(config, seed: 7)
        var g = SplitMix64(seed: 3)
        let x = (0..<(b * t * f)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let y = (0..<(mode == .lastStep ? b * o : b * t * o)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        var state = RecurrentState.zeros(config, batch: b)
        state.hidden = state.hidden.map { _ in Float(g.nextUniform(in: -0.5, 0.5)) }
        state.cell = state.cell?.map { _ in Float(g.nextUniform(in: -0.5, 0.5)) }
        // ReLU has kinks: samples whose step of 1e-2 crosses one are skipped.
        let worst = GradientCheck.worstRelativeError(network: network, x: x, target: y, batch: b, steps: t, loss: .mse,
                                                     initialState: state, samples: 60, skipKinks: cell == .rnnReLU)
        #expect(worst < 2e-2, "\(cell) \(mode): worst relative error \(worst)")
    }

    /// Sizes past a whole panel of the per-step kernel (hidden 37: one full AVX-512 panel of
    /// 32 and a partial one; two full AVX2 panels of 16 and a partial one) and a batch past
    /// one register tile of rows (9 > 8), so the backward product's full-panel path is
    /// differentiated too, not only its tail.
    @Test(arguments: [CellKind.gru, .lstm, .rnnTanh])
    func gradientsThroughWholeKernelPanels(_ cell: CellKind) {
        let (b, t, f, o) = (9, 4, 3, 2)
        let config = NetworkConfiguration(cell: cell, inputSize: f, hiddenSize: 37, outputSize: o, outputMode: .everyStep)
        let network = RecurrentNetwork(config, seed: 17)
        var g = SplitMix64(seed: 23)
        let x = (0..<(b * t * f)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let y = (0..<(b * t * o)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let worst = GradientCheck.worstRelativeError(network: network, x: x, target: y, batch: b, steps: t, loss: .mse,
                                                     samples: 80)
        #expect(worst < 2e-2, "\(cell): worst relative error \(worst)")
    }

    @Test func headAloneAndEveryLossThroughTheNetwork() {
        let losses: [Loss] = [.mse, .mae, .huber(delta: 0.3), .pinball(quantiles: [0.1, 0.5, 0.9]), .gaussianNLL, .studentTNLL]
        for loss in losses {
            let o = 2 * loss.outputsPerTarget
            let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 1, hiddenSize: 4, outputSize: o), seed: 5)
            var g = SplitMix64(seed: 9)
            let x = (0..<(4 * 5)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let y = (0..<(4 * 2)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let worst = GradientCheck.worstRelativeError(network: network, x: x, target: y, batch: 4, steps: 5, loss: loss)
            #expect(worst < 2e-2, "\(loss): \(worst)")
        }
    }

    /// A head that reads values beside the last state (the future values of covariates
    /// known in advance): its weights and the recurrent layers' get the right gradients. (The
    /// ReLU cell's kinks put central differences off by 10-20% on these sizes with or without
    /// head inputs; the head is the same for every cell.)
    @Test(arguments: CellKind.allCases.filter { $0 != .rnnReLU })
    func headInputsGradients(_ cell: CellKind) {
        let (b, t, f, o, e) = (3, 5, 2, 3, 4)
        let config = NetworkConfiguration(cell: cell, inputSize: f, hiddenSize: 5, layers: 2, outputSize: o, headInputs: e)
        let network = RecurrentNetwork(config, seed: 11)
        #expect(network.tensor("head.weight")?.count == o * (5 + e))
        var g = SplitMix64(seed: 4)
        let x = (0..<(b * t * f)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let extra = (0..<(b * e)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let y = (0..<(b * o)).map { _ in Float(g.nextUniform(in: -1, 1)) }
        let worst = GradientCheck.worstRelativeError(network: network, x: x, target: y, batch: b, steps: t, loss: .mse,
                                                     samples: 80, headInputs: extra)
        #expect(worst < 2e-2, "\(cell): worst relative error \(worst)")
        // The head inputs move the output: the head is [h_T, extra] @ W^T + b.
        let moved = network.forward(x, batch: b, steps: t, headInputs: extra.map { $0 + 1 })
        #expect(moved != network.forward(x, batch: b, steps: t, headInputs: extra))
    }

    /// Targets not observed change neither the loss nor any gradient: the loss and its
    /// gradient are those of the observed targets alone, whatever the others hold, and central
    /// differences agree with the backward pass under the mask.
    @Test func maskedTargetsChangeNeitherLossNorGradient() {
        let losses: [Loss] = [.mse, .mae, .huber(delta: 0.3), .pinball(quantiles: [0.1, 0.5, 0.9]), .gaussianNLL, .studentTNLL]
        for loss in losses {
            let o = 4 * loss.outputsPerTarget
            let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 1, hiddenSize: 4, outputSize: o), seed: 5)
            var g = SplitMix64(seed: 9)
            let x = (0..<(3 * 5)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let y = (0..<(3 * 4)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let observed = y.indices.map { $0 % 3 != 1 }
            var other = y
            for i in y.indices where !observed[i] { other[i] = 1e3 * Float(i) }  // the filled values, whatever they are
            func lossAndGradient(_ target: [Float]) -> (Float, [Float]) {
                let prediction = network.forward(x, batch: 3, steps: 5)
                let (value, dPrediction) = loss.evaluate(prediction: prediction, target: target, observed: observed)
                network.zeroGradients()
                network.backward(dPrediction)
                return (value, network.gradients.array)
            }
            let (a, ga) = lossAndGradient(y), (b, gb) = lossAndGradient(other)
            #expect(a == b && ga == gb, "\(loss): the masked targets moved the loss or a gradient")
            // The observed targets alone, as their own batch, give the same loss.
            let p = network.forward(x, batch: 3, steps: 5), q = loss.outputsPerTarget
            let kept = observed.indices.filter { observed[$0] }
            let alone = loss.evaluate(prediction: kept.flatMap { p[($0 * q)..<(($0 + 1) * q)] }, target: kept.map { y[$0] }).loss
            #expect(abs(alone - a) <= 1e-6 * max(1, abs(a)), "\(loss): \(alone) against \(a)")
            let worst = GradientCheck.worstRelativeError(network: network, x: x, target: other, batch: 3, steps: 5, loss: loss,
                                                         observed: observed)
            #expect(worst < 2e-2, "\(loss): \(worst)")
        }
    }

    @Test func finalStateGradientReachesTheWeights() {
        // Loss = sum of the final hidden state: its gradient enters only through finalStateGradient.
        let config = NetworkConfiguration(cell: .lstm, inputSize: 2, hiddenSize: 3, layers: 2, outputSize: 1)
        let network = RecurrentNetwork(config, seed: 1)
        let x: [Float] = (0..<(2 * 4 * 2)).map { Float($0 % 5) / 5 - 0.4 }
        func loss() -> Double {
            _ = network.forward(x, batch: 2, steps: 4)
            let s = network.finalState
            return s.hidden.reduce(0) { $0 + Double($1) } + (s.cell ?? []).reduce(0) { $0 + Double($1) }
        }
        _ = network.forward(x, batch: 2, steps: 4)
        network.zeroGradients()
        let ones = RecurrentState(hidden: Array(repeating: 1, count: 2 * 2 * 3), cell: Array(repeating: 1, count: 2 * 2 * 3), batch: 2)
        network.backward(Array(repeating: 0, count: 2), finalStateGradient: ones)
        let analytic = network.gradients.array
        let p = network.parameters.pointer
        for i in stride(from: 0, to: network.parameters.count, by: 7) where network.layout.tensors.contains(where: { i >= $0.offset && i < $0.offset + $0.count && $0.name.hasPrefix("rnn.") }) {
            let original = p[i]
            p[i] = original + 1e-2; let plus = loss()
            p[i] = original - 1e-2; let minus = loss()
            p[i] = original
            let numeric = (plus - minus) / 2e-2
            #expect(abs(numeric - Double(analytic[i])) / max(abs(numeric) + abs(Double(analytic[i])), 1e-3) < 2e-2)
        }
    }
}

extension NetworkConfiguration.OutputMode: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
