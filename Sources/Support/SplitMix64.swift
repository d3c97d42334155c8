#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64 (Steele, Lea and Flood 2014): the seeded generator behind every random draw
/// of this project, so the same seed gives the same weights, batches and samples anywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [lower, upper).
    public mutating func nextUniform(in lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * nextUniform()
    }

    /// Standard normal by Box-Muller (one draw per call; the second is not kept, so the
    /// stream position depends only on the number of calls).
    public mutating func nextNormal() -> Double {
        let u1 = max(nextUniform(), 0x1p-60), u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Gamma(shape, 1) for shape > 0 (Marsaglia and Tsang, 2000; below 1 through shape + 1
    /// and a uniform power); NaN for a shape that is not a finite positive number.
    public mutating func nextGamma(shape: Double) -> Double {
        guard shape.isFinite, shape > 0 else { return .nan }
        if shape < 1 { return nextGamma(shape: shape + 1) * pow(max(nextUniform(), 0x1p-60), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = nextNormal(), v = 1 + c * x
            guard v > 0 else { continue }
            let cube = v * v * v, u = max(nextUniform(), 0x1p-60)
            if log(u) < 0.5 * x * x + d - d * cube + d * log(cube) { return d * cube }
        }
    }

    /// Student-t with `nu` degrees of freedom: a standard normal over the root of a
    /// chi-square (2 Gamma(nu / 2)) divided by nu.
    public mutating func nextStudentT(degrees nu: Double) -> Double {
        let z = nextNormal()
        return z / (2 * nextGamma(shape: nu / 2) / nu).squareRoot()
    }

    /// A generator for an independent sub-stream (a layer, an origin, a series).
    public mutating func split() -> SplitMix64 { SplitMix64(seed: next()) }
}
