import Foundation
import Testing
import TestSupport
import TimeSeries
@testable import Forecasting
@testable import Neural

@Suite struct CalendarFeatureTests {
    @Test func phasesOfTheCycles() {
        let noonMonday = Timestamp(year: 2024, month: 1, day: 1, hour: 12)  // a Monday
        #expect(abs(CalendarFeature.hourOfDay.phase(noonMonday) - 0.5) < 1e-12)
        #expect(abs(CalendarFeature.dayOfWeek.phase(noonMonday) - 0.5 / 7) < 1e-12)
        #expect(CalendarFeature.dayOfYear.phase(Timestamp(year: 2023, month: 1, day: 1)) == 0)
        let (s, c) = CalendarFeature.hourOfDay.values(Timestamp(year: 2024, month: 1, day: 1, hour: 6))
        #expect(abs(s - 1) < 1e-12 && abs(c) < 1e-12)
        #expect(CalendarFeature.suited(to: .fixed(microseconds: 3_600_000_000)) == [.hourOfDay, .dayOfWeek])
        #expect(CalendarFeature.suited(to: .months(1)) == [.dayOfYear])
    }

    @Test func hourlyModelWithCalendarFeaturesRoundTripsAndUpdates() throws {
        let start = Timestamp(year: 2024, month: 3, day: 1)
        let n = 24 * 12
        let stamps = (0..<n).map { Frequency.fixed(microseconds: 3_600_000_000).advance(start, by: $0) }
        let values = stamps.map { 10 + 5 * sin(2 * Double.pi * CalendarFeature.hourOfDay.phase($0)) }
        var c = RecurrentConfiguration(horizon: 6, season: 24)
        c.calendar = [.hourOfDay]
        c.hiddenSize = 8
        c.maxSteps = 60
        c.normalization = .global
        var model = RecurrentForecaster(c)
        try model.fit(SeriesData(target: Array(values[0..<(n - 6)]), timestamps: Array(stamps[0..<(n - 6)]),
                                 frequency: .fixed(microseconds: 3_600_000_000)))
        #expect(try #require(model.asDirect).network?.configuration.inputSize == 3)
        let path = temporaryPath("cal.safetensors")
        try ModelFile(forecaster: model, target: "y", covariates: [], frequency: .fixed(microseconds: 3_600_000_000),
                      timestampStyle: .utc, lastTimestamp: stamps[n - 7], provenance: [:]).write(to: path)
        var loaded = try ModelFile.read(path: path).forecaster
        #expect(try loaded.predict(horizon: 6) == (try model.predict(horizon: 6)))
        #expect(throws: ForecastingError.self) { try loaded.update(with: [1, 2]) }  // timestamps needed
        try loaded.update(with: Array(values[(n - 6)...]), timestamps: Array(stamps[(n - 6)...]))
        #expect(try #require(loaded.asDirect).state.series.timestampHistory?.last == stamps[n - 1])
    }
}
