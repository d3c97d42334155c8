/// A point in time: microseconds since 1970-01-01T00:00:00 on the series' own clock.
///
/// Times written with `Z` or an offset are converted to UTC; times written without one
/// (local clock time) are kept as written, with no time-zone conversion, so a half-hourly
/// series in local time stays on its grid.
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Microseconds since the epoch.
    public var microseconds: Int64

    /// The time `microseconds` after 1970-01-01T00:00:00.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The time `seconds` after 1970-01-01T00:00:00.
    public init(seconds: Int64) { self.microseconds = seconds * 1_000_000 }

    /// Epoch seconds a timestamp may have, exclusive: twelve digits, as written epochs are
    /// read (about years -29,700 to 33,600). Anything beyond (a millisecond or nanosecond
    /// epoch, 1e300) is not a time in seconds.
    public static let epochSecondsLimit: Int64 = 1_000_000_000_000

    /// The time `seconds` (fractional) after 1970-01-01T00:00:00, rounded to the
    /// microsecond; nil when not finite or not within ±`epochSecondsLimit`.
    public init?(epochSeconds seconds: Double) {
        guard seconds.isFinite, abs(seconds) < Double(Self.epochSecondsLimit) else { return nil }
        let whole = seconds.rounded(.towardZero)  // exact, so whole seconds stay exact
        self.microseconds = Int64(whole) * 1_000_000 + Int64(((seconds - whole) * 1_000_000).rounded())
    }

    /// A civil date and time (proleptic Gregorian calendar).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                microsecond: Int = 0) {
        let days = Int64(Self.daysFromCivil(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.microseconds = seconds * 1_000_000 + Int64(microsecond)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Whole days since 1970-01-01 (floor).
    public var daysSinceEpoch: Int {
        Int(microseconds >= 0 ? microseconds / 86_400_000_000
            : (microseconds - 86_400_000_000 + 1) / 86_400_000_000)
    }

    /// Microseconds since the start of the day.
    public var microsecondOfDay: Int64 { microseconds - Int64(daysSinceEpoch) * 86_400_000_000 }

    /// The civil date of this timestamp.
    public var date: (year: Int, month: Int, day: Int) { Self.civil(fromDays: daysSinceEpoch) }

    /// 0 = Monday ... 6 = Sunday.
    public var weekday: Int {
        let d = daysSinceEpoch + 3  // 1970-01-01 was a Thursday (3)
        return ((d % 7) + 7) % 7
    }

    /// Days since the epoch of a civil date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// How the timestamps of a series were written, so output continues in the same form.
public enum TimestampStyle: String, Sendable, Codable {
    /// `YYYY-MM-DD`.
    case date
    /// `YYYY-MM-DDTHH:MM:SS` with no offset: local clock time.
    case local
    /// `YYYY-MM-DDTHH:MM:SSZ`: written with `Z` or an offset, held as UTC.
    case utc
    /// Seconds since the epoch, written as a number.
    case epochSeconds = "epoch"

    /// True for styles that name an instant (`Z` or an offset, epoch seconds); false for
    /// clock times and dates without an offset. One time column holds one or the other.
    public var isInstant: Bool { self == .utc || self == .epochSeconds }
}

extension Timestamp: Codable {
    /// Encoded as its microseconds since the epoch, a plain integer.
    public init(from decoder: any Decoder) throws {
        microseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Encodes the microseconds since 1970 as one integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microseconds)
    }
}
