import TimeSeries
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calendar features, known for every future step: each is a sine and a cosine of the
/// position in its cycle, so the cycle's end meets its start.
public enum CalendarFeature: String, Sendable, Codable, CaseIterable {
    /// Time of day (24 hours).
    case hourOfDay = "hour"
    /// Day of the week (7 days).
    case dayOfWeek = "weekday"
    /// Day of the year (365.25 days).
    case dayOfYear = "yearday"

    /// The features that vary on a grid of `frequency`: sub-daily steps get the hour and
    /// the weekday, daily steps the weekday and the day of year, longer steps the day of year.
    public static func suited(to frequency: Frequency) -> [CalendarFeature] {
        switch frequency {
        case .index: []
        case .businessDays: [.dayOfWeek, .dayOfYear]
        case .months: [.dayOfYear]
        case .fixed(let us):
            us < 86_400_000_000 ? [.hourOfDay, .dayOfWeek] : (us == 86_400_000_000 ? [.dayOfWeek, .dayOfYear] : [.dayOfYear])
        }
    }

    /// The position of `t` in this feature's cycle, in [0, 1).
    func phase(_ t: Timestamp) -> Double {
        switch self {
        case .hourOfDay: Double(t.microsecondOfDay) / 86_400_000_000
        case .dayOfWeek: (Double(t.weekday) + Double(t.microsecondOfDay) / 86_400_000_000) / 7
        case .dayOfYear:
            // Days since 1 January of t's year.
            Double(t.daysSinceEpoch - Timestamp.daysFromCivil(year: t.date.year, month: 1, day: 1)) / 365.25
        }
    }

    /// (sin, cos) of the phase.
    func values(_ t: Timestamp) -> (Double, Double) {
        let angle = 2 * Double.pi * phase(t)
        return (sin(angle), cos(angle))
    }
}
