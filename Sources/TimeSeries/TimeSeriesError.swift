/// Errors of the TimeSeries module; each description is one sentence naming where.
public enum TimeSeriesError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A missing value met under the `error` policy.
    case missingValue(location: String, column: String)
    /// A series too short for the windows asked for.
    case seriesTooShort(series: String, length: Int, needed: Int, detail: String)
    /// A column name that the frame does not have.
    case unknownColumn(String, available: [String])
    /// A column that holds text where numbers are needed.
    case notNumeric(column: String)
    /// Nothing left after the missing-value policy.
    case noObservations(column: String)

    public var description: String {
        switch self {
        case .missingValue(let location, let column):
            return "\(location): column \"\(column)\": missing value (use --missing drop, ffill or interpolate)"
        case .seriesTooShort(let series, let length, let needed, let detail):
            return "\(series): series has \(length) rows, fewer than the \(needed) needed for \(detail)"
        case .unknownColumn(let name, let available):
            return "no column \"\(name)\"; the columns are: \(available.joined(separator: ", "))"
        case .notNumeric(let column):
            return "column \"\(column)\" holds text, not numbers"
        case .noObservations(let column):
            return "column \"\(column)\" has no observed values"
        }
    }
}
