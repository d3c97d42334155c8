#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning rate over epochs.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    /// How the rate changes: constant, step decay, cosine, or halving on a plateau.
    public enum Kind: Sendable, Equatable, Codable {
        /// The base rate throughout.
        case constant
        /// Multiply by `gamma` every `every` epochs (`StepLR`).
        case step(every: Int, gamma: Double)
        /// Cosine from the base rate down to `minimum` over `epochs` epochs (`CosineAnnealingLR`).
        case cosine(epochs: Int, minimum: Double)
        /// Multiply by `factor` after `patience` epochs without improvement of the
        /// validation loss, not below `minimum` (`ReduceLROnPlateau`).
        case reduceOnPlateau(factor: Double, patience: Int, minimum: Double)
    }

    public let kind: Kind
    public let base: Double
    private var current: Double
    private var best = Double.infinity
    private var badEpochs = 0

    /// A schedule of `kind` starting from rate `base`.
    public init(_ kind: Kind, base: Double) {
        self.kind = kind
        self.base = base
        self.current = base
    }

    /// The rate for epoch `epoch` (0-based); for the plateau schedule, the rate after the
    /// losses observed so far.
    public func rate(epoch: Int) -> Double {
        switch kind {
        case .constant: return base
        case .step(let every, let gamma): return base * Double.pow(gamma, epoch / max(every, 1))
        case .cosine(let epochs, let minimum):
            let t = Double(min(epoch, epochs)) / Double(max(epochs, 1))
            return minimum + (base - minimum) * (1 + cos(Double.pi * t)) / 2
        case .reduceOnPlateau: return current
        }
    }

    /// Records the validation loss at the end of an epoch (only the plateau schedule uses it).
    public mutating func observe(validationLoss loss: Double) {
        guard case .reduceOnPlateau(let factor, let patience, let minimum) = kind else { return }
        // PyTorch's default threshold: an improvement is a relative drop of more than 1e-4.
        if loss < best * (1 - 1e-4) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
            if badEpochs > patience {
                current = max(current * factor, minimum)
                badEpochs = 0
            }
        }
    }
}
