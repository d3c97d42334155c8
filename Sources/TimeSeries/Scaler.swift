/// An affine scaler, `z = (x - center) / scale`, fitted on a chosen range of a series only.
public struct Scaler: Hashable, Sendable, Codable {
    /// How `center` and `scale` are estimated.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Mean and population standard deviation.
        case standard
        /// Minimum and range (max - min): values map onto [0, 1].
        case minMax = "minmax"
        /// Median and interquartile range (linear-interpolated quartiles, as numpy's default).
        case robust
        /// No scaling: center 0, scale 1.
        case identity = "none"
    }

    public var kind: Kind
    public var center: Double
    public var scale: Double

    /// A scaler with these statistics.
    public init(kind: Kind, center: Double, scale: Double) {
        self.kind = kind
        self.center = center
        self.scale = scale
    }

    /// Fits on the observed (non-NaN) values of `values`. A constant series gets scale 1,
    /// so it maps to zeros instead of dividing by zero; an empty one gets the identity.
    public static func fit(_ kind: Kind, to values: some Collection<Double>) -> Scaler {
        let observed = values.filter { !$0.isNaN }
        guard !observed.isEmpty, kind != .identity else { return Scaler(kind: kind, center: 0, scale: 1) }
        let center: Double, spread: Double
        switch kind {
        case .identity:
            return Scaler(kind: kind, center: 0, scale: 1)
        case .standard:
            let mean = observed.reduce(0, +) / Double(observed.count)
            let variance = observed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(observed.count)
            (center, spread) = (mean, variance.squareRoot())
        case .minMax:
            let lo = observed.min()!, hi = observed.max()!  // observed is not empty
            (center, spread) = (lo, hi - lo)
        case .robust:
            let sorted = observed.sorted()
            (center, spread) = (quantile(sorted, 0.5), quantile(sorted, 0.75) - quantile(sorted, 0.25))
        }
        return Scaler(kind: kind, center: center, scale: spread > 0 && spread.isFinite ? spread : 1)
    }

    /// Fits on `values[range]` only: the training part of a split.
    public static func fit(_ kind: Kind, to values: [Double], range: Range<Int>) -> Scaler {
        fit(kind, to: values[range])
    }

    /// `(x - center) / scale`.
    @inlinable public func transform(_ x: Double) -> Double { (x - center) / scale }
    /// `z * scale + center`.
    @inlinable public func inverse(_ z: Double) -> Double { z * scale + center }

    /// `transform` of every value.
    public func transform(_ xs: [Double]) -> [Double] { xs.map(transform) }
    /// `inverse` of every value.
    public func inverse(_ zs: [Double]) -> [Double] { zs.map(inverse) }

    /// The `q` quantile of sorted values with linear interpolation between order statistics.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
    }
}
