import Foundation
import Neural
import Support

/// A plain-text table with left-aligned text and right-aligned numbers.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Columns (by index) aligned to the right.
    var rightAligned: Set<Int> = []

    /// The table's lines; every cell `terminalSafe`, so a name from the data stays in its cell.
    func rendered(indent: String = "") -> String {
        let header = header.map(terminalSafe), rows = rows.map { $0.map(terminalSafe) }
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { i, cell in
                let fill = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? fill + cell : cell + fill
            }
            var text = indent + padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

/// Numbers for people: up to `digits` significant digits, no exponent for ordinary sizes.
func formatNumber(_ value: Double, digits: Int = 6) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e15 || magnitude < 1e-4 { return String(format: "%.\(max(digits - 1, 0))e", value) }
    let exponent = Int((magnitude).log10Floor)
    let decimals = max(0, digits - 1 - exponent)
    let scale = (0..<decimals).reduce(1.0) { r, _ in r * 10 }
    let rounded = (value * scale).rounded() / scale
    var text = decimals == 0 ? String(Int64(rounded)) : String(rounded)
    if text.contains("e") { return "\(value)" }
    if text.contains(".") {
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
    }
    return text
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0, m = self
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        return e
    }
}

/// Rows as a text table (numbers right-aligned), CSV or JSON (all values strings).
func renderRows(header: [String], rows: [[String]], numeric: Set<Int>, format: OutputFormat) -> String {
    switch format {
    case .table:
        return TextTable(header: header, rows: rows, rightAligned: numeric).rendered()
    case .csv:
        return ([header] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n")
    case .json:
        return JSONValue.array(rows.map { row in
            .object(zip(header, row).enumerated().map { i, pair in
                (pair.0, numeric.contains(i) ? Double(pair.1).map(JSONValue.number) ?? .string(pair.1) : .string(pair.1))
            })
        }).rendered()
    }
}

/// A CSV field (RFC 4180), quoted when it holds a separator, quote or line break (a CR, an
/// LF or both: "\r\n" is one `Character`, so the scalars are what is looked at).
func csvField(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// `text` for a terminal: control characters (C0, DEL, C1, the Unicode line and paragraph
/// separators) written as escapes (`\n`, `\r`, `\t`, `\u{1b}`), so a name from the data
/// cannot break a table's or a message's line, forge a row or send a terminal sequence.
/// Everything else is kept as it is.
func terminalSafe(_ text: String) -> String {
    func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        guard isControl(scalar) else {
            out.append(scalar)
            continue
        }
        let escape = switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: "\\u{" + String(scalar.value, radix: 16) + "}"
        }
        out.append(contentsOf: escape.unicodeScalars)
    }
    return String(out)
}
