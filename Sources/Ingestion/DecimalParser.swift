#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decimal numbers and missing-value markers as they appear in CSV fields.
enum DecimalParser {
    /// Exact powers of ten: every one up to 1e22 is representable in a Double. A raw pointer
    /// (allocated once, never freed) keeps the hot path free of array retains and bounds checks.
    nonisolated(unsafe) private static let powers: UnsafePointer<Double> = {
        let table = UnsafeMutablePointer<Double>.allocate(capacity: 23)
        var value = 1.0
        for e in 0...22 {
            table[e] = value
            value *= 10  // exact: 10^e is representable for e <= 22
        }
        return UnsafePointer(table)
    }()

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` with at least one digit.
    ///
    /// Up to 19 digits with a mantissa below 2^53 and a decimal exponent within ±22 take
    /// Clinger's fast path (one correctly rounded multiply or divide of two exact
    /// doubles); anything else goes to `strtod`, so every result is correctly rounded.
    /// `p[n]` must be readable and must not continue a number: a NUL (libcsv and SQLite
    /// both append one), a separator, a space or a line end.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        var negative = false
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        // Every digit goes into the mantissa; more than 19 digits (leading zeros included)
        // could overflow it, and those numbers go to strtod below.
        var mantissa: UInt64 = 0
        var digits = 0, exponent = 0
        while i < n {
            let d = p[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            digits &+= 1
            i &+= 1
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i &+= 1
            let fractionStart = i
            while i < n {
                let d = p[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i &+= 1
            }
            digits &+= i &- fractionStart
            exponent = fractionStart &- i
        }
        guard digits > 0 else { return nil }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0, expDigits = 0
            while i < n, p[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == n else { return nil }
        if digits <= 19 && mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * powers[exponent] : m / powers[-exponent]
            return negative ? -value : value
        }
        return p.withMemoryRebound(to: CChar.self, capacity: n + 1) { strtod($0, nil) }
    }

    /// Empty, `NA`, `NaN` or `null`, in any case.
    static func isMissingMarker(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        @inline(__always) func lower(_ b: UInt8) -> UInt8 { b | 0x20 }
        switch n {
        case 0: return true
        case 2: return lower(p[0]) == UInt8(ascii: "n") && lower(p[1]) == UInt8(ascii: "a")
        case 3: return lower(p[0]) == UInt8(ascii: "n") && lower(p[1]) == UInt8(ascii: "a")
            && lower(p[2]) == UInt8(ascii: "n")
        case 4: return lower(p[0]) == UInt8(ascii: "n") && lower(p[1]) == UInt8(ascii: "u")
            && lower(p[2]) == UInt8(ascii: "l") && lower(p[3]) == UInt8(ascii: "l")
        default: return false
        }
    }
}
