import Foundation
@testable import Neural
import Support
import Testing

/// Issue 18: the fused engine (packed per-step products, fused gates, input projections in
/// chunks of steps, inference without the gate cache) against a plain reference written
/// here from PyTorch's equations in Double, on random shapes: 1x1, batch 1, odd sizes, and
/// sizes whose projections span several chunks.
@Suite struct FusedKernelTests {
    /// PyTorch's recurrence in Double, from the network's own tensors: the last layer's
    /// hidden states [B, T, H] (batch-first).
    func reference(_ network: RecurrentNetwork, _ x: [Float], batch: Int, steps: Int) -> [Double] {
        let c = network.configuration, h = c.hiddenSize
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        var input = x.map(Double.init), width = c.inputSize
        for l in 0..<c.layers {
            let wih = network.tensor("rnn.weight_ih_l\(l)")!.map(Double.init)
            let whh = network.tensor("rnn.weight_hh_l\(l)")!.map(Double.init)
            let bih = network.tensor("rnn.bias_ih_l\(l)")!.map(Double.init)
            let bhh = network.tensor("rnn.bias_hh_l\(l)")!.map(Double.init)
            let g = c.cell.gates * h
            var output = [Double](repeating: 0, count: batch * steps * h)
            for b in 0..<batch {
                var hPrev = [Double](repeating: 0, count: h), cPrev = [Double](repeating: 0, count: h)
                for t in 0..<steps {
                    let xt = Array(input[((b * steps + t) * width)..<((b * steps + t + 1) * width)])
                    var gx = [Double](repeating: 0, count: g), gh = [Double](repeating: 0, count: g)
                    for r in 0..<g {
                        gx[r] = bih[r] + (0..<width).reduce(0) { $0 + wih[r * width + $1] * xt[$1] }
                        gh[r] = bhh[r] + (0..<h).reduce(0) { $0 + whh[r * h + $1] * hPrev[$1] }
                    }
                    var hNext = [Double](repeating: 0, count: h)
                    for j in 0..<h {
                        switch c.cell {
                        case .rnnTanh: hNext[j] = tanh(gx[j] + gh[j])
                        case .rnnReLU: hNext[j] = max(0, gx[j] + gh[j])
                        case .gru:
                            let r = sigmoid(gx[j] + gh[j]), z = sigmoid(gx[h + j] + gh[h + j])
                            let n = tanh(gx[2 * h + j] + r * gh[2 * h + j])
                            hNext[j] = (1 - z) * n + z * hPrev[j]
                        case .lstm:
                            let i = sigmoid(gx[j] + gh[j]), f = sigmoid(gx[h + j] + gh[h + j])
                            let gg = tanh(gx[2 * h + j] + gh[2 * h + j]), o = sigmoid(gx[3 * h + j] + gh[3 * h + j])
                            cPrev[j] = f * cPrev[j] + i * gg
                            hNext[j] = o * tanh(cPrev[j])
                        }
                    }
                    hPrev = hNext
                    for j in 0..<h { output[(b * steps + t) * h + j] = hNext[j] }
                }
            }
            input = output
            width = h
        }
        return input
    }

    @Test(arguments: CellKind.allCases)
    func fusedForwardEqualsTheReference(_ cell: CellKind) {
        var g = SplitMix64(seed: 31)
        // (batch, steps, input, hidden, layers): 1x1, batch 1, odd sizes, several chunks
        // (batch 64 x 4H = 256 gates: four steps a chunk for the LSTM).
        let shapes = [(1, 1, 1, 1, 1), (1, 7, 3, 5, 2), (3, 9, 2, 17, 1), (5, 6, 1, 33, 2), (64, 11, 2, 64, 2), (40, 5, 3, 129, 1)]
        for (batch, steps, f, h, layers) in shapes {
            let configuration = NetworkConfiguration(cell: cell, inputSize: f, hiddenSize: h, layers: layers,
                                                     outputSize: 1, outputMode: .everyStep)
            let seed = g.next()
            let network = RecurrentNetwork(configuration, seed: seed)
            let x = (0..<(batch * steps * f)).map { _ in Float(g.nextUniform(in: -1.5, 1.5)) }
            _ = network.forward(x, batch: batch, steps: steps)
            let kept = network.hiddenStates, keptState = network.finalState
            // The inference pass on a fresh network of the same seed: no state of the
            // training pass can stand in for rows it did not write.
            let fresh = RecurrentNetwork(configuration, seed: seed)
            _ = fresh.forward(x, batch: batch, steps: steps, differentiable: false)
            #expect(fresh.hiddenStates == kept, "\(cell) \(batch)x\(steps)x\(h): inference equals the training pass")
            #expect(fresh.finalState.hidden == keptState.hidden && fresh.finalState.cell == keptState.cell)
            let expected = reference(network, x, batch: batch, steps: steps)
            let worst = zip(kept, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? .infinity
            #expect(worst <= 1e-4, "\(cell) batch \(batch) steps \(steps) input \(f) hidden \(h) layers \(layers): \(worst)")
        }
    }
}
