/// First-order optimizers over the flat parameter buffer, with PyTorch's update rules.
///
/// One state buffer per moment at the parameters' offsets, so a step is one loop.
/// A class: it owns those buffers.
public final class Optimizer {
    /// The update rule.
    public enum Rule: Sendable, Equatable, Codable {
        /// v = momentum v + g (v = g on the first step); p -= lr v   (`torch.optim.SGD`)
        case sgd(momentum: Double)
        /// s = alpha s + (1 - alpha) g^2; p -= lr g / (sqrt(s) + eps)  (`torch.optim.RMSprop`)
        case rmsprop(alpha: Double, epsilon: Double)
        /// Adam (Kingma and Ba 2015) with bias correction, as `torch.optim.Adam`.
        case adam(beta1: Double, beta2: Double, epsilon: Double)
        /// Adam with decoupled weight decay: p *= 1 - lr wd before the Adam step (`torch.optim.AdamW`).
        case adamW(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)

        public static let adam = Rule.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
    }

    public let rule: Rule
    public var learningRate: Double
    /// Steps taken (Adam's t).
    public private(set) var step = 0
    private let first: AlignedBuffer
    private let second: AlignedBuffer

    /// An optimizer for `parameterCount` parameters, its moments at zero.
    public init(_ rule: Rule, learningRate: Double, parameterCount: Int) {
        self.rule = rule
        self.learningRate = learningRate
        first = AlignedBuffer(count: parameterCount)
        second = AlignedBuffer(count: parameterCount)
    }

    /// Applies one update to `parameters` from `gradients` (same layout).
    public func update(_ parameters: AlignedBuffer, gradients: AlignedBuffer) {
        precondition(parameters.count == first.count && gradients.count == first.count,
                     "Optimizer: buffers of \(parameters.count) and \(gradients.count), expected \(first.count)")
        step += 1
        let p = parameters.pointer, g = gradients.pointer, m = first.pointer, v = second.pointer
        let n = first.count
        let lr = Float(learningRate)
        switch rule {
        case .sgd(let momentum):
            let mu = Float(momentum)
            if mu == 0 {
                for i in 0..<n { p[i] -= lr * g[i] }
            } else if step == 1 {
                for i in 0..<n { m[i] = g[i]; p[i] -= lr * m[i] }
            } else {
                for i in 0..<n { m[i] = mu * m[i] + g[i]; p[i] -= lr * m[i] }
            }
        case .rmsprop(let alpha, let epsilon):
            let a = Float(alpha), eps = Float(epsilon)
            for i in 0..<n {
                v[i] = a * v[i] + (1 - a) * g[i] * g[i]
                p[i] -= lr * g[i] / (v[i].squareRoot() + eps)
            }
        case .adam(let beta1, let beta2, let epsilon), .adamW(let beta1, let beta2, let epsilon, _):
            if case .adamW(_, _, _, let decay) = rule {
                let keep = Float(1 - learningRate * decay)
                for i in 0..<n { p[i] *= keep }
            }
            // PyTorch's arithmetic: step_size = lr / (1 - b1^t),
            // denom = sqrt(v) / sqrt(1 - b2^t) + eps.
            let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon)
            let correction1 = 1 - Double.pow(beta1, step), correction2 = 1 - Double.pow(beta2, step)
            let stepSize = Float(learningRate / correction1)
            let root2 = Float(correction2.squareRoot())
            for i in 0..<n {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                p[i] -= stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
            }
        }
    }
}

extension Double {
    static func pow(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= base }
        return result
    }
}
