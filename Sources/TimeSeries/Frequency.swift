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

extension Frequency {
    /// A stable text form for files: `fixed:1800000000`, `months:3`, `business-days`, `index`.
    public var code: String {
        switch self {
        case .fixed(let us): "fixed:\(us)"
        case .months(let k): "months:\(k)"
        case .businessDays: "business-days"
        case .index: "index"
        }
    }

    /// The frequency written as `code`.
    public init?(code: String) {
        let parts = code.split(separator: ":")
        switch (parts.first, parts.count) {
        case ("index", 1): self = .index
        case ("business-days", 1): self = .businessDays
        case ("fixed", 2): guard let us = Int64(parts[1]), us > 0 else { return nil }; self = .fixed(microseconds: us)
        case ("months", 2): guard let k = Int(parts[1]), k > 0 else { return nil }; self = .months(k)
        default: return nil
        }
    }

    /// Steps in a day of a sub-daily grid that divides the day evenly (48 for half-hourly);
    /// nil for daily and longer steps and for irregular ones.
    public var stepsPerDay: Int? {
        let day: Int64 = 86_400_000_000
        guard case .fixed(let us) = self, us < day, day % us == 0 else { return nil }
        return Int(day / us)
    }

    /// The seasonal period and horizon of datasets/PROTOCOL.md for this step: monthly 12
    /// and 12, quarterly 4 and 8, weekly 52 and 13, daily (calendar or business) 1 and 14,
    /// hourly 24 and 24, half-hourly 48 and 48; other sub-daily steps a day's worth of steps
    /// (an hour's when a day has more than 168); anything else 1 and 10.
    public var protocolDefaults: (season: Int, horizon: Int) {
        let day: Int64 = 86_400_000_000
        switch self {
        case .months(1): return (12, 12)
        case .months(3): return (4, 8)
        case .months: return (1, 4)
        case .businessDays: return (1, 14)
        case .index: return (1, 10)
        case .fixed(let us):
            if us == 7 * day { return (52, 13) }
            if us == day { return (1, 14) }
            if let perDay = stepsPerDay {
                if perDay <= 168 { return (perDay, perDay) }
                let perHour = Int(3_600_000_000 / us)
                return (max(perHour, 1), max(perHour, 1))
            }
            return (1, 10)
        }
    }
}
