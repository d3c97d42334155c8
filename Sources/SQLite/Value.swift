/// A value bound to or read from a statement.
public enum Value: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    /// An integer literal as `.integer`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// A float literal as `.real`.
    public init(floatLiteral value: Double) { self = .real(value) }
    /// A string literal as `.text`.
    public init(stringLiteral value: String) { self = .text(value) }
}
