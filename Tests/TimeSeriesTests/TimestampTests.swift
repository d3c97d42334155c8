import Testing
@testable import TimeSeries

@Suite struct TimestampTests {
    func parse(_ text: String) -> (Timestamp, TimestampStyle)? { Timestamp.parse(text) }

    @Test func datesAndCivilRoundTrip() {
        #expect(Timestamp(year: 1970, month: 1, day: 1).microseconds == 0)
        #expect(Timestamp(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = Timestamp.civil(fromDays: days)
            #expect(Timestamp.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(Timestamp(year: 2024, month: 1, day: 1).weekday == 0)  // a Monday
        #expect(Timestamp(year: 1969, month: 12, day: 31, hour: 23).daysSinceEpoch == -1)
    }

    @Test(arguments: [
        ("2024-02-29", "2024-02-29", TimestampStyle.date),
        ("2013-01-01T06:00:00Z", "2013-01-01T06:00:00Z", .utc),
        ("2013-01-01 06:00", "2013-01-01T06:00:00", .local),
        ("2013-01-01T06:00:00.25", "2013-01-01T06:00:00.250000", .local),
        ("2013-01-01T06:00:00.123456789Z", "2013-01-01T06:00:00.123456Z", .utc),
        ("2013-01-01T08:30:00+02:30", "2013-01-01T06:00:00Z", .utc),
        ("2013-01-01T01:00:00-0500", "2013-01-01T06:00:00Z", .utc),
        ("2013-01-01T07:00:00+01", "2013-01-01T06:00:00Z", .utc),
        ("1357020000", "1357020000", .epochSeconds),
        ("1357020000.5", "1357020000.500000", .epochSeconds),
    ])
    func parsesAndFormats(text: String, expected: String, style: TimestampStyle) throws {
        let (stamp, parsedStyle) = try #require(parse(text))
        #expect(parsedStyle == style)
        #expect(stamp.formatted(style) == expected)
    }

    @Test func offsetsAndEpochAgree() throws {
        let a = try #require(parse("2013-01-01T06:00:00Z")).0
        let b = try #require(parse("1357020000")).0
        #expect(a == b)
    }

    @Test(arguments: ["2021-02-29", "2021-13-01", "2021-00-10", "2021-01-32", "2021-1-01", "2021-01-01T24:00",
                      "2021-01-01T10:60", "2021-01-01T10:00:61", "2021-01-01X10:00", "2021-01-01T10:00Zx",
                      "2021-01-01T10:00+5", "abc", "", "12ab", "2021-01-01T10:00:00."])
    func rejects(text: String) {
        #expect(parse(text) == nil)
    }
}
