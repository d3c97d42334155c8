/// The regular step between consecutive timestamps of a series.
public enum Frequency: Hashable, Sendable {
    /// A fixed step in microseconds: seconds, minutes, hours, days, weeks.
    case fixed(microseconds: Int64)
    /// A calendar step of whole months: 1 monthly, 3 quarterly, 12 yearly.
    case months(Int)
    /// Monday to Friday; Saturdays and Sundays are not steps.
    case businessDays
    /// No time column: the row index is the time axis.
    case index

    /// A short name: `30min`, `1h`, `daily`, `weekly`, `monthly`, `quarterly`, `yearly`,
    /// `business days`, `3 months`, `index`.
    public var name: String {
        switch self {
        case .index: return "index"
        case .businessDays: return "business days"
        case .months(1): return "monthly"
        case .months(3): return "quarterly"
        case .months(12): return "yearly"
        case .months(let k): return k % 12 == 0 ? "\(k / 12) years" : "\(k) months"
        case .fixed(let us):
            if us == 86_400_000_000 { return "daily" }
            if us == 7 * 86_400_000_000 { return "weekly" }
            for (unit, size) in [("d", Int64(86_400_000_000)), ("h", 3_600_000_000), ("min", 60_000_000),
                                 ("s", 1_000_000), ("ms", 1_000), ("us", 1)] where us % size == 0 {
                return "\(us / size)\(unit)"
            }
            return "\(us)us"
        }
    }

    /// The timestamp `steps` steps after `t` (negative `steps` go back).
    ///
    /// Month steps keep the day of month and time of day, with the day clamped to the
    /// month's length (Jan 31 + 1 month = Feb 28 or 29).
    public func advance(_ t: Timestamp, by steps: Int) -> Timestamp {
        switch self {
        case .index:
            return Timestamp(microseconds: t.microseconds + Int64(steps))
        case .fixed(let us):
            return Timestamp(microseconds: t.microseconds + us * Int64(steps))
        case .months(let k):
            let (y, m, d) = t.date
            let total = y * 12 + (m - 1) + k * steps
            let year = total >= 0 ? total / 12 : (total - 11) / 12
            let month = total - year * 12 + 1
            let day = min(d, Timestamp.daysIn(month: month, year: year))
            let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
            return Timestamp(microseconds: Int64(days) * 86_400_000_000 + t.microsecondOfDay)
        case .businessDays:
            var result = t
            var remaining = abs(steps)
            let direction: Int64 = steps >= 0 ? 1 : -1
            while remaining > 0 {
                result.microseconds += direction * 86_400_000_000
                if result.weekday < 5 { remaining -= 1 }
            }
            return result
        }
    }

    /// The number of steps from `a` to `b` (`b` after `a`), or nil when `b` is not on the
    /// grid that starts at `a`.
    public func steps(from a: Timestamp, to b: Timestamp) -> Int? {
        switch self {
        case .index:
            return Int(b.microseconds - a.microseconds)
        case .fixed(let us):
            let diff = b.microseconds - a.microseconds
            return diff % us == 0 ? Int(diff / us) : nil
        case .months(let k):
            let (ya, ma, _) = a.date, (yb, mb, _) = b.date
            let months = (yb * 12 + mb) - (ya * 12 + ma)
            guard months % k == 0, advance(a, by: months / k) == b else { return nil }
            return months / k
        case .businessDays:
            guard a.microsecondOfDay == b.microsecondOfDay, b.weekday < 5 else { return nil }
            let days = b.daysSinceEpoch - a.daysSinceEpoch
            let weeks = days / 7
            var count = weeks * 5
            var day = a
            day.microseconds += Int64(weeks * 7) * 86_400_000_000
            while day < b {
                day.microseconds += 86_400_000_000
                if day.weekday < 5 { count += 1 }
            }
            return count
        }
    }
}
