extension Timestamp {
    /// Parses an ISO-8601 date or date-time, or (with `allowEpoch`) a number of epoch seconds.
    ///
    /// Accepted: `YYYY-MM-DD`; then `T` or a space, `HH:MM`, optional `:SS`, optional
    /// fraction (up to 9 digits, kept to the microsecond), optional `Z`, `±HH:MM`, `±HHMM`
    /// or `±HH`. Returns nil for anything else, including impossible dates (`2021-02-30`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, allowEpoch: Bool = true)
        -> (Timestamp, TimestampStyle)?
    {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        if bytes.count >= 10, base[4] == UInt8(ascii: "-") {
            return parseISO(base, bytes.count)
        }
        return allowEpoch ? parseEpoch(base, bytes.count) : nil
    }

    /// Parses a timestamp from text (see `parse(_:allowEpoch:)`).
    public static func parse(_ text: String, allowEpoch: Bool = true) -> (Timestamp, TimestampStyle)? {
        var text = text
        return text.withUTF8 { parse($0, allowEpoch: allowEpoch) }
    }

    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for i in at..<(at + count) {
            let d = Int(p[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value &* 10 &+ d
        }
        return value
    }

    private static func parseISO(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Timestamp, TimestampStyle)? {
        guard let year = digits(p, 0, 4), p[7] == UInt8(ascii: "-"),
              let month = digits(p, 5, 2), let day = digits(p, 8, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        if n == 10 { return (Timestamp(year: year, month: month, day: day), .date) }
        guard n >= 16, p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " "),
              let hour = digits(p, 11, 2), p[13] == UInt8(ascii: ":"), let minute = digits(p, 14, 2),
              hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0, micro = 0
        if i < n, p[i] == UInt8(ascii: ":") {
            guard i + 3 <= n, let s = digits(p, i + 1, 2), s < 60 else { return nil }
            second = s
            i += 3
            if i < n, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") {
                i += 1
                var count = 0
                while i < n, p[i] >= 48, p[i] <= 57 {
                    if count < 6 { micro = micro * 10 + Int(p[i] - 48) }
                    count += 1
                    i += 1
                }
                guard count >= 1, count <= 9 else { return nil }
                for _ in count..<max(count, 6) { micro *= 10 }
            }
        }
        var stamp = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute,
                              second: second, microsecond: micro)
        if i == n { return (stamp, .local) }
        if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
            return i + 1 == n ? (stamp, .utc) : nil
        }
        guard p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") else { return nil }
        let sign: Int64 = p[i] == UInt8(ascii: "+") ? 1 : -1
        i += 1
        guard i + 2 <= n, let oh = digits(p, i, 2), oh <= 14 else { return nil }
        i += 2
        var om = 0
        if i < n {
            if p[i] == UInt8(ascii: ":") { i += 1 }
            guard i + 2 == n, let m = digits(p, i, 2), m < 60 else { return nil }
            om = m
        }
        stamp.microseconds -= sign * Int64(oh * 3600 + om * 60) * 1_000_000
        return (stamp, .utc)
    }

    private static func parseEpoch(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Timestamp, TimestampStyle)? {
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        var seconds: Int64 = 0
        let start = i
        while i < n, p[i] >= 48, p[i] <= 57 {
            guard i - start < 12 else { return nil }  // beyond year 33000: not epoch seconds
            seconds = seconds * 10 + Int64(p[i] - 48)
            i += 1
        }
        guard i > start else { return nil }
        var micro: Int64 = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            var count = 0
            while i < n, p[i] >= 48, p[i] <= 57 {
                if count < 6 { micro = micro * 10 + Int64(p[i] - 48) }
                count += 1
                i += 1
            }
            for _ in count..<max(count, 6) { micro *= 10 }
        }
        guard i == n else { return nil }
        let total = seconds * 1_000_000 + micro
        return (Timestamp(microseconds: negative ? -total : total), .epochSeconds)
    }

    /// The timestamp written in `style`: `2024-01-31`, `2024-01-31T06:30:00`, `...Z`, or epoch
    /// seconds. Fractional seconds appear only when there are any.
    public func formatted(_ style: TimestampStyle) -> String {
        if style == .epochSeconds {
            let us = microseconds
            let whole = us >= 0 ? us / 1_000_000 : -((-us + 999_999) / 1_000_000)
            let frac = us - whole * 1_000_000
            return frac == 0 ? String(whole) : String(whole) + "." + pad(Int(frac), 6)
        }
        let (y, m, d) = date
        var text = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
        if style == .date { return text }
        let us = microsecondOfDay
        let secondOfDay = Int(us / 1_000_000)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":"
            + pad(secondOfDay % 60, 2)
        let frac = Int(us % 1_000_000)
        if frac != 0 { text += "." + pad(frac, 6) }
        return style == .utc ? text + "Z" : text
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
