import TimeSeries
import SQLite

/// Errors reading a CSV file or a SQLite table; each description is one line that names the
/// file and, where there is one, the line and column (`prices.csv:42:3: ...`).
public enum IngestionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or database) could not be opened.
    case cannotOpen(file: String, reason: String)
    /// The file holds no bytes (or only blank lines).
    case empty(file: String)
    /// The file has a header but no data rows.
    case headerOnly(file: String)
    /// A row whose field count differs from the header's.
    case raggedRow(location: String, expected: Int, found: Int)
    /// A quote inside an unquoted field, or text after a closing quote.
    case malformedQuote(location: String)
    /// A quoted field still open at the end of the file.
    case unterminatedQuote(location: String)
    /// A field of a numeric column that is not a number and not a missing marker.
    case notANumber(location: String, column: String, found: String)
    /// A time field that is not an ISO-8601 date or date-time (or epoch seconds).
    case badTimestamp(location: String, column: String, found: String)
    /// A number outside what a double holds (`1e400`, a very long digit string), or an
    /// infinite SQLite REAL: read as infinity, it is refused like the literal `inf`.
    case notFinite(location: String, column: String, found: String)
    /// A numeric time value (SQLite INTEGER or REAL) beyond the epoch seconds a `Timestamp`
    /// holds, such as a nanosecond epoch.
    case epochOutOfRange(location: String, column: String, found: String)
    /// A time with a UTC offset (or epoch seconds) in a column whose earlier times have none,
    /// or the reverse: clock times and instants cannot be put on one grid.
    case mixedTimeStyles(location: String, column: String, found: String, first: String, firstIsInstant: Bool)
    /// An empty time field.
    case missingTimestamp(location: String, column: String)
    /// The same timestamp twice in one series.
    case duplicateTimestamp(location: String, timestamp: String, otherLine: Int)
    /// A timestamp earlier than the one before it (without `--sort`).
    case outOfOrder(location: String, timestamp: String, previous: String, otherLine: Int)
    /// A flag that names a column the file does not have.
    case unknownColumn(file: String, flag: String, name: String, available: [String])
    /// Two header fields with the same name.
    case duplicateColumn(location: String, name: String)
    /// A column named for two roles (time, target, series id, a covariate role), or twice
    /// for one: a usage error (exit 64 on the command line).
    case columnRoles(file: String, name: String, first: String, second: String)
    /// Bytes that are not valid UTF-8.
    case invalidUTF8(location: String)
    /// A query that is not a read-only SELECT, an unknown table, or another SQLite failure.
    case database(file: String, message: String)

    /// True when the input could not be opened at all (exit code 66 on the command line).
    public var isMissingInput: Bool {
        if case .cannotOpen = self { return true }
        return false
    }

    /// True when the flags, not the data, are at fault (exit code 64 on the command line).
    public var isUsage: Bool {
        if case .columnRoles = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason):
            return "\(file): cannot open: \(reason)"
        case .empty(let file):
            return "\(file): the file is empty"
        case .headerOnly(let file):
            return "\(file): the file has a header but no data rows"
        case .raggedRow(let location, let expected, let found):
            return "\(location): expected \(expected) fields as in the header, found \(found)"
        case .malformedQuote(let location):
            return "\(location): malformed quoted field (a quote inside an unquoted field, or text after a closing quote)"
        case .unterminatedQuote(let location):
            return "\(location): unterminated quoted field: the closing quote is missing"
        case .notANumber(let location, let column, let found):
            return "\(location): column \"\(column)\": expected a number, found \"\(Self.clip(found))\""
        case .badTimestamp(let location, let column, let found):
            return "\(location): column \"\(column)\": expected an ISO-8601 date or date-time, found \"\(Self.clip(found))\""
        case .notFinite(let location, let column, let found):
            return "\(location): column \"\(column)\": expected a finite number, found \"\(Self.clip(found))\", which is beyond a double's range"
        case .epochOutOfRange(let location, let column, let found):
            return "\(location): column \"\(column)\": expected epoch seconds within ±\(Timestamp.epochSecondsLimit - 1), found \(found) (divide a millisecond or nanosecond epoch first)"
        case .mixedTimeStyles(let location, let column, let found, let first, let firstIsInstant):
            let instant = "an instant (Z, a UTC offset or epoch seconds)", clock = "a clock time without a UTC offset"
            let (this, that) = firstIsInstant ? (clock, instant) : (instant, clock)
            return "\(location): column \"\(column)\": \"\(Self.clip(found))\" is \(this), but the first time (\(first)) is \(that); write every time one way"
        case .missingTimestamp(let location, let column):
            return "\(location): column \"\(column)\": the timestamp is missing"
        case .duplicateTimestamp(let location, let timestamp, let otherLine):
            return "\(location): duplicate timestamp \(timestamp), also on line \(otherLine)"
        case .outOfOrder(let location, let timestamp, let previous, let otherLine):
            return "\(location): timestamp \(timestamp) comes after \(previous) on line \(otherLine); rows must be in time order (or pass --sort)"
        case .unknownColumn(let file, let flag, let name, let available):
            return "\(file): \(flag) names column \"\(name)\", which is not there; the columns are: \(available.joined(separator: ", "))"
        case .duplicateColumn(let location, let name):
            return "\(location): column name \"\(name)\" appears twice in the header"
        case .columnRoles(let file, let name, let first, let second):
            if first == second { return "\(file): \(first) names column \"\(name)\" twice; name each column once" }
            let roles = first == "the time column"
                ? "is the time column (--time-column names another, --no-time-column none) and is named by \(second)"
                : "is named by \(first) and by \(second)"
            return "\(file): column \"\(name)\" \(roles); a column has one role (time, target, series id or covariate)"
        case .invalidUTF8(let location):
            return "\(location): the field is not valid UTF-8 text"
        case .database(let file, let message):
            return "\(file): \(message)"
        }
    }

    static func clip(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "..."
    }
}
