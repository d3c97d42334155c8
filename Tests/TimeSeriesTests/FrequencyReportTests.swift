import Testing
@testable import TimeSeries

@Suite struct FrequencyReportTests {
    func stamps(_ texts: [String]) -> [Timestamp] { texts.compactMap { Timestamp.parse($0)?.0 } }

    @Test func fixedStepsFromSecondsToWeeks() {
        for (step, name) in [(1, "1s"), (60, "1min"), (1800, "30min"), (3600, "1h"), (86_400, "daily"),
                             (7 * 86_400, "weekly"), (4 * 3600, "4h")] {
            let t = (0..<10).map { Timestamp(seconds: Int64($0 * step)) }
            let report = FrequencyReport(timestamps: t)
            #expect(report.frequency == .fixed(microseconds: Int64(step) * 1_000_000))
            #expect(report.frequency?.name == name)
            #expect(report.gaps.isEmpty)
        }
    }

    @Test func calendarMonthsQuartersAndYears() {
        let monthly = stamps(["2020-01-01", "2020-02-01", "2020-03-01", "2020-05-01", "2020-06-01"])
        let report = FrequencyReport(timestamps: monthly)
        #expect(report.frequency == .months(1))
        #expect(report.gaps == [FrequencyReport.Gap(row: 2, after: monthly[2], missingSteps: 1)])
        #expect(FrequencyReport(timestamps: stamps(["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01"])).frequency == .months(3))
        #expect(FrequencyReport(timestamps: stamps(["2019-01-01", "2020-01-01", "2021-01-01"])).frequency?.name == "yearly")
        let monthEnds = stamps(["2020-01-31", "2020-02-29", "2020-03-31", "2020-04-30"])
        #expect(FrequencyReport(timestamps: monthEnds).frequency == .months(1))
    }

    @Test func businessDaysWithAHoliday() {
        // Mon 2024-01-01 .. Fri 2024-01-12, without Mon 2024-01-08.
        let days = [1, 2, 3, 4, 5, 9, 10, 11, 12].map { Timestamp(year: 2024, month: 1, day: $0) }
        let report = FrequencyReport(timestamps: days)
        #expect(report.frequency == .businessDays)
        #expect(report.gaps.count == 1)
        #expect(report.gaps.first?.missingSteps == 1)
        #expect(Frequency.businessDays.advance(days[4], by: 1) == Timestamp(year: 2024, month: 1, day: 8))
    }

    @Test func gapsAndOffGridSteps() {
        let t = [0, 3600, 7200, 18_000, 19_000].map { Timestamp(seconds: Int64($0)) }
        let report = FrequencyReport(timestamps: t)
        #expect(report.frequency == .fixed(microseconds: 3_600_000_000))
        #expect(report.missingSteps == 2)
        #expect(report.offGridSteps == 1)
        #expect(report.firstOffGridRow == 4)
        #expect(FrequencyReport(timestamps: Array(t.prefix(4))).firstOffGridRow == nil)
    }

    /// Issue 14, family 6: a monthly series written with its local offset (+01:00 in winter,
    /// +02:00 in summer) is irregular in UTC, and the report says where it first leaves the grid.
    @Test func monthlyTimesAcrossADaylightSavingChangeAreOffTheGrid() {
        let t = stamps(["2018-01-01T00:00+01:00", "2018-02-01T00:00+01:00", "2018-03-01T00:00+01:00",
                        "2018-04-01T00:00+02:00", "2018-05-01T00:00+02:00"])
        let report = FrequencyReport(timestamps: t)
        #expect(report.frequency != .months(1))
        #expect(report.offGridSteps > 0)
        #expect(report.firstOffGridRow != nil)
        let local = stamps(["2018-01-01T00:00", "2018-02-01T00:00", "2018-03-01T00:00", "2018-04-01T00:00", "2018-05-01T00:00"])
        #expect(FrequencyReport(timestamps: local).frequency == .months(1))
        #expect(FrequencyReport(timestamps: local).firstOffGridRow == nil)
    }

    @Test func advanceKeepsTheCalendar() {
        let jan31 = Timestamp(year: 2024, month: 1, day: 31, hour: 6)
        #expect(Frequency.months(1).advance(jan31, by: 1) == Timestamp(year: 2024, month: 2, day: 29, hour: 6))
        #expect(Frequency.months(3).advance(jan31, by: -1) == Timestamp(year: 2023, month: 10, day: 31, hour: 6))
        #expect(Frequency.months(12).advance(jan31, by: 2) == Timestamp(year: 2026, month: 1, day: 31, hour: 6))
        let friday = Timestamp(year: 2024, month: 1, day: 5)
        #expect(Frequency.businessDays.advance(friday, by: 6) == Timestamp(year: 2024, month: 1, day: 15))
        #expect(Frequency.businessDays.steps(from: friday, to: Timestamp(year: 2024, month: 1, day: 15)) == 6)
    }
}
