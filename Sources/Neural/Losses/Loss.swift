#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training losses with their gradients. Every loss is a mean, as PyTorch's default
/// `reduction="mean"`; computed in Double and returned as Float.
public enum Loss: Sendable, Equatable, Codable {
    /// mean((p - y)^2)
    case mse
    /// mean(|p - y|)
    case mae
    /// mean of 0.5 e^2 where |e| < delta, else delta (|e| - delta / 2)  (PyTorch `HuberLoss`)
    case huber(delta: Double)
    /// Quantile (pinball) loss for a set of quantiles. Prediction [N, K*Q]: for each of the
    /// K targets, Q outputs in the order of `quantiles`. mean of max(q e, (q - 1) e), e = y - p.
    case pinball(quantiles: [Double])
    /// Gaussian negative log-likelihood. Prediction [N, 2K]: for each target a mean and a
    /// raw scale s, variance = softplus(s) + 1e-6. mean of 0.5 log(2 pi var) + (y - mu)^2 / (2 var).
    case gaussianNLL
    /// Student-t negative log-likelihood (NeuralForecast's `DistributionLoss("StudentT")`,
    /// GluonTS DeepAR's default). Prediction [N, 3K]: for each target a location mu, a raw
    /// scale a and raw degrees of freedom b: sigma = softplus(a) + 1e-6, nu = 2 + softplus(b)
    /// (above 2: the variance is finite). With z = (y - mu) / sigma, mean of
    /// lgamma(nu / 2) - lgamma((nu + 1) / 2) + 0.5 log(pi nu) + log sigma + (nu + 1) / 2 log(1 + z^2 / nu).
    case studentTNLL
    /// Softmax cross-entropy. Prediction [N, C] logits; target [N] class indices (as Float).
    case softmaxCrossEntropy

    /// Prediction values per target value: Q for pinball, 2 for Gaussian, 3 for Student-t, 1 otherwise.
    public var outputsPerTarget: Int {
        switch self {
        case .pinball(let q): q.count
        case .gaussianNLL: 2
        case .studentTNLL: 3
        default: 1
        }
    }

    /// The loss of `prediction` against `target` and dLoss/dprediction. With `observed` (one
    /// flag per target value), only the observed targets count: the mean is over them, and a
    /// prediction for a target not observed gets no gradient (all not observed: loss 0).
    public func evaluate(prediction p: [Float], target y: [Float], observed: [Bool]? = nil) -> (loss: Float, gradient: [Float]) {
        var grad = [Float](repeating: 0, count: p.count)
        var total = 0.0
        precondition(observed.map { $0.count == y.count } ?? true, "Loss: \(observed?.count ?? 0) flags for \(y.count) targets")
        /// Whether target i counts.
        func counts(_ i: Int) -> Bool { observed?[i] ?? true }
        let counted = observed.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? y.count
        guard counted > 0 else { return (0, grad) }
        switch self {
        case .mse, .mae, .huber:
            precondition(p.count == y.count, "Loss: \(p.count) predictions for \(y.count) targets")
            let n = Double(counted)
            for i in 0..<p.count where counts(i) {
                let e = Double(p[i]) - Double(y[i])
                switch self {
                case .mse:
                    total += e * e
                    grad[i] = Float(2 * e / n)
                case .mae:
                    total += abs(e)
                    grad[i] = Float((e > 0 ? 1 : (e < 0 ? -1 : 0)) / n)
                case .huber(let delta):
                    if abs(e) < delta {
                        total += 0.5 * e * e
                        grad[i] = Float(e / n)
                    } else {
                        total += delta * (abs(e) - 0.5 * delta)
                        grad[i] = Float(delta * (e > 0 ? 1 : -1) / n)
                    }
                default: break
                }
            }
            return (Float(total / n), grad)
        case .pinball(let quantiles):
            let q = quantiles.count
            precondition(p.count == y.count * q, "Loss: pinball needs \(q) predictions per target")
            let n = Double(counted * q)
            for i in 0..<y.count where counts(i) {
                for (k, tau) in quantiles.enumerated() {
                    let e = Double(y[i]) - Double(p[i * q + k])
                    total += e >= 0 ? tau * e : (tau - 1) * e
                    grad[i * q + k] = Float((e > 0 ? -tau : (e < 0 ? 1 - tau : 0)) / n)
                }
            }
            return (Float(total / n), grad)
        case .gaussianNLL:
            precondition(p.count == y.count * 2, "Loss: the Gaussian head needs a mean and a scale per target")
            let n = Double(counted)
            for i in 0..<y.count where counts(i) {
                let mu = Double(p[2 * i]), s = Double(p[2 * i + 1])
                let variance = Self.softplus(s) + 1e-6
                let e = Double(y[i]) - mu
                total += 0.5 * log(2 * Double.pi * variance) + e * e / (2 * variance)
                grad[2 * i] = Float(-e / variance / n)
                let dVariance = 0.5 / variance - e * e / (2 * variance * variance)
                grad[2 * i + 1] = Float(dVariance * Self.sigmoid(s) / n)
            }
            return (Float(total / n), grad)
        case .studentTNLL:
            precondition(p.count == y.count * 3, "Loss: the Student-t head needs a location, a scale and degrees of freedom per target")
            let n = Double(counted)
            for i in 0..<y.count where counts(i) {
                let mu = Double(p[3 * i]), a = Double(p[3 * i + 1]), b = Double(p[3 * i + 2])
                let sigma = Self.softplus(a) + 1e-6, nu = 2 + Self.softplus(b)
                let z = (Double(y[i]) - mu) / sigma, r = 1 + z * z / nu
                total += Self.logGamma(nu / 2) - Self.logGamma((nu + 1) / 2) + 0.5 * log(Double.pi * nu) + log(sigma)
                    + (nu + 1) / 2 * log(r)
                // d/dmu = -(nu + 1) z / (sigma nu r); d/dsigma = 1 / sigma - (nu + 1) z^2 / (sigma nu r);
                // d/dnu = (psi(nu / 2) - psi((nu + 1) / 2) + 1 / nu + log r - (nu + 1) z^2 / (nu^2 r)) / 2.
                let w = (nu + 1) / (nu * r)
                grad[3 * i] = Float(-w * z / sigma / n)
                grad[3 * i + 1] = Float((1 - w * z * z) / sigma * Self.sigmoid(a) / n)
                let dNu = 0.5 * (Self.digamma(nu / 2) - Self.digamma((nu + 1) / 2) + 1 / nu + log(r) - w * z * z / nu)
                grad[3 * i + 2] = Float(dNu * Self.sigmoid(b) / n)
            }
            return (Float(total / n), grad)
        case .softmaxCrossEntropy:
            let n = y.count
            precondition(n > 0 && p.count % n == 0, "Loss: logits must be [N, C] for N targets")
            let c = p.count / n
            precondition(observed == nil, "Loss: cross-entropy takes no observation flags")
            for i in 0..<n {
                let row = p[(i * c)..<((i + 1) * c)].map(Double.init)
                let m = row.max() ?? 0
                let exps = row.map { exp($0 - m) }
                let sum = exps.reduce(0, +)
                let label = Int(y[i])
                precondition(label >= 0 && label < c, "Loss: class \(label) outside 0..<\(c)")
                total += -(row[label] - m - log(sum))
                for k in 0..<c { grad[i * c + k] = Float((exps[k] / sum - (k == label ? 1 : 0)) / Double(n)) }
            }
            return (Float(total / Double(n)), grad)
        }
    }

    /// log(1 + e^x), without overflow.
    public static func softplus(_ x: Double) -> Double { x > 20 ? x : log1p(exp(x)) }
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// log Gamma(x) for x > 0 (`lgamma_r`: no shared sign variable between threads).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// The digamma function psi(x) = d/dx log Gamma(x) for x > 0: the recurrence
    /// psi(x) = psi(x + 1) - 1 / x up to x >= 10, then the asymptotic series (error below 1e-14).
    public static func digamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        let tail = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
        return result + log(x) - 0.5 / x - tail
    }
}
