/// One named column of a frame.
public struct Column: Sendable {
    /// What the column holds.
    public enum Kind: String, Sendable {
        /// Numbers; `values` holds one per row, NaN where missing.
        case numeric
        /// Text that is not a number (labels, notes); no values are kept.
        case text
        /// Categories (a column read as categorical): `values` holds each row's index into
        /// `categories`, NaN where missing.
        case label
    }

    public var name: String
    public var kind: Kind
    /// One value per row for a numeric column (NaN where `missing` is set); empty for text.
    public var values: [Double]
    /// Set where the field was empty, `NA`, `NaN` or `null`.
    public var missing: MissingMask
    /// A label column's categories, in the order first seen; empty for the other kinds.
    public var categories: [String] = []

    /// A column from its values and missing mask.
    public init(name: String, kind: Kind = .numeric, values: [Double], missing: MissingMask, categories: [String] = []) {
        self.name = name
        self.kind = kind
        self.values = values
        self.missing = missing
        self.categories = categories
    }

    /// A label column's label on each row (nil where missing); empty for the other kinds.
    public var labels: [String?] {
        guard kind == .label else { return [] }
        return values.map { $0.isNaN ? nil : categories[Int($0)] }
    }

    /// A numeric column where NaN marks a missing value.
    public init(name: String, values: [Double]) {
        self.init(name: name, values: values,
                  missing: MissingMask(count: values.count) { values[$0].isNaN })
    }

    /// Minimum, mean and maximum of the observed values; nil when none is observed.
    public var summary: (min: Double, mean: Double, max: Double)? {
        guard kind == .numeric else { return nil }
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, n = 0
        for v in values where !v.isNaN {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
            sum += v
            n += 1
        }
        return n == 0 ? nil : (lo, sum / Double(n), hi)
    }
}
