/// What the timestamps of a series say about its grid: the inferred step and the holes in it.
public struct FrequencyReport: Sendable {
    /// A run of missing steps: `missingSteps` steps absent after row `row`.
    public struct Gap: Sendable, Equatable {
        /// The row after which steps are missing.
        public var row: Int
        /// The timestamp of that row.
        public var after: Timestamp
        /// How many grid steps are absent.
        public var missingSteps: Int
    }

    /// The inferred step, nil when there are fewer than two timestamps.
    public var frequency: Frequency?
    /// Runs of absent steps, in time order.
    public var gaps: [Gap]
    /// Steps that are not a whole number of grid steps (an irregular series).
    public var offGridSteps: Int
    /// The row that ends the first step off the grid, nil when every step is on it.
    public var firstOffGridRow: Int?

    /// The number of absent steps over all gaps.
    public var missingSteps: Int { gaps.reduce(0) { $0 + $1.missingSteps } }

    /// Infers the step of sorted, distinct timestamps.
    ///
    /// Calendar months are tried first (every timestamp on the same day of month and time of
    /// day, or every one on the last day of its month); then the most common difference,
    /// read as business days when it is one day, no timestamp falls on a weekend and
    /// some step jumps over one; else a fixed step equal to the most common difference.
    public init(timestamps: [Timestamp]) {
        self.gaps = []
        self.offGridSteps = 0
        guard timestamps.count >= 2 else {
            self.frequency = nil
            return
        }
        let frequency = Self.infer(timestamps)
        self.frequency = frequency
        for i in 1..<timestamps.count {
            guard let steps = frequency.steps(from: timestamps[i - 1], to: timestamps[i]) else {
                offGridSteps += 1
                if firstOffGridRow == nil { firstOffGridRow = i }
                continue
            }
            if steps > 1 {
                gaps.append(Gap(row: i - 1, after: timestamps[i - 1], missingSteps: steps - 1))
            }
        }
    }

    static func infer(_ t: [Timestamp]) -> Frequency {
        if let months = monthStep(t) { return .months(months) }
        var counts: [Int64: Int] = [:]
        for i in 1..<t.count { counts[t[i].microseconds - t[i - 1].microseconds, default: 0] += 1 }
        // The most common difference; ties go to the smaller step. `counts` has at least
        // one entry because t.count >= 2.
        let step = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
        let day: Int64 = 86_400_000_000
        // Business days: daily steps, no weekend dates, and some step that jumps a weekend.
        if step == day, t.allSatisfy({ $0.weekday < 5 }),
           (1..<t.count).contains(where: { t[$0].weekday < t[$0 - 1].weekday }) {
            return .businessDays
        }
        return .fixed(microseconds: step)
    }

    /// The month step when every timestamp sits on the same day of month (or every one on
    /// the last day of its month) at the same time of day.
    static func monthStep(_ t: [Timestamp]) -> Int? {
        let first = t[0]
        let day = first.date.day
        let time = first.microsecondOfDay
        let monthEnd = t.allSatisfy { let d = $0.date; return d.day == Timestamp.daysIn(month: d.month, year: d.year) }
        guard monthEnd || t.allSatisfy({ $0.date.day == day && $0.microsecondOfDay == time }),
              t.allSatisfy({ $0.microsecondOfDay == time })
        else { return nil }
        var counts: [Int: Int] = [:]
        var previous = first.date.year * 12 + first.date.month
        for stamp in t.dropFirst() {
            let (y, m, _) = stamp.date
            let index = y * 12 + m
            counts[index - previous, default: 0] += 1
            previous = index
        }
        // Non-empty: the caller passes at least two timestamps.
        let step = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
        // A daily series over few rows can look monthly only if its step is zero months.
        return step > 0 ? step : nil
    }
}
