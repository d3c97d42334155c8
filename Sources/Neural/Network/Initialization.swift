#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// How a network's weights are drawn.
public struct Initialization: Sendable, Codable, Equatable {
    /// The scheme for recurrent weights.
    public enum Scheme: String, Sendable, Codable {
        /// PyTorch's: every recurrent parameter U(-1/sqrt(H), 1/sqrt(H)); the head as
        /// `nn.Linear`, U(-1/sqrt(I), 1/sqrt(I)).
        case pytorch
        /// Xavier (Glorot) uniform for input weights, orthogonal blocks for recurrent
        /// weights, zero biases (Keras' defaults for its recurrent layers).
        case xavierOrthogonal = "xavier-orthogonal"
    }

    public var scheme: Scheme
    /// Sets the LSTM forget-gate bias to 1 (Jozefowicz et al. 2015): `bias_ih` f block to 1,
    /// `bias_hh` f block to 0, so their sum is 1.
    public var forgetGateBias: Bool

    /// Chrono initialisation (Tallec and Ollivier 2018, "Can recurrent neural networks warp
    /// time?") for dependencies up to this many steps: gate biases drawn so each unit starts
    /// with a memory time scale uniform in [1, steps - 1]. LSTM: forget bias log(U(1, T-1)),
    /// input bias its negative; GRU: update-gate (z) bias log(U(1, T-1)). Nil: off.
    public var chronoSteps: Int?

    /// An initialisation scheme with its options.
    public init(scheme: Scheme = .pytorch, forgetGateBias: Bool = false, chronoSteps: Int? = nil) {
        self.scheme = scheme
        self.forgetGateBias = forgetGateBias
        self.chronoSteps = chronoSteps
    }

    /// Orthogonal [n, n] matrix: Gram-Schmidt on a standard normal draw, signs fixed by
    /// R's diagonal (as `torch.nn.init.orthogonal_`), in Double.
    static func orthogonal(_ n: Int, using generator: inout SplitMix64) -> [Float] {
        var a = (0..<(n * n)).map { _ in generator.nextNormal() }  // rows are the vectors
        for i in 0..<n {
            for k in 0..<i {
                var dot = 0.0
                for j in 0..<n { dot += a[i * n + j] * a[k * n + j] }
                for j in 0..<n { a[i * n + j] -= dot * a[k * n + j] }
            }
            var norm = 0.0
            for j in 0..<n { norm += a[i * n + j] * a[i * n + j] }
            norm = norm.squareRoot()
            for j in 0..<n { a[i * n + j] /= norm > 0 ? norm : 1 }
        }
        return a.map(Float.init)
    }
}

extension RecurrentNetwork {
    /// Draws every parameter from `generator` as `initialization` says.
    func initialize(_ initialization: Initialization, using generator: inout SplitMix64) {
        let p = parameters.pointer
        func uniform(_ offset: Int, _ count: Int, _ bound: Double) {
            for i in 0..<count { p[offset + i] = Float(generator.nextUniform(in: -bound, bound)) }
        }
        for layer in layers {
            let h = layer.hiddenSize, g = layer.gateWidth
            switch initialization.scheme {
            case .pytorch:
                let k = 1 / Double(h).squareRoot()
                uniform(layer.weightIH, g * layer.inputSize, k)
                uniform(layer.weightHH, g * h, k)
                uniform(layer.biasIH, g, k)
                uniform(layer.biasHH, g, k)
            case .xavierOrthogonal:
                // Xavier per gate block: fan_in = I, fan_out = H.
                uniform(layer.weightIH, g * layer.inputSize, (6 / Double(layer.inputSize + h)).squareRoot())
                for block in 0..<layer.cell.gates {
                    let q = Initialization.orthogonal(h, using: &generator)
                    for i in 0..<(h * h) { p[layer.weightHH + block * h * h + i] = q[i] }
                }
                for i in 0..<g { p[layer.biasIH + i] = 0; p[layer.biasHH + i] = 0 }
            }
            if initialization.forgetGateBias && layer.cell == .lstm {
                for j in h..<(2 * h) { p[layer.biasIH + j] = 1; p[layer.biasHH + j] = 0 }
            }
            if let steps = initialization.chronoSteps, steps > 2 {
                for j in 0..<h {
                    let bias = Float(log(generator.nextUniform(in: 1, Double(steps - 1))))
                    switch layer.cell {
                    case .lstm:
                        p[layer.biasIH + h + j] = bias; p[layer.biasHH + h + j] = 0   // f
                        p[layer.biasIH + j] = -bias; p[layer.biasHH + j] = 0          // i
                    case .gru:
                        p[layer.biasIH + h + j] = bias; p[layer.biasHH + h + j] = 0   // z
                    case .rnnTanh, .rnnReLU:
                        break
                    }
                }
            }
        }
        let k = 1 / Double(head.inputSize).squareRoot()
        uniform(head.weight, head.outputSize * head.inputSize, k)
        uniform(head.bias, head.outputSize, k)
    }
}
