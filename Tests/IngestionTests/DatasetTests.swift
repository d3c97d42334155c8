import Testing
@testable import Ingestion
import TimeSeries

/// Every bundled dataset reads without flags and matches what datasets/README.md states.
@Suite struct DatasetTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String, rows: Int, frequency: String, target: String, missingTarget: Int, columns: Int
        var testDescription: String { file }
    }

    static let all: [Expectation] = [
        .init(file: "air_passengers_monthly.csv", rows: 144, frequency: "monthly", target: "passengers_thousands", missingTarget: 0, columns: 1),
        .init(file: "ausbeer_quarterly.csv", rows: 218, frequency: "quarterly", target: "beer_megalitres", missingTarget: 0, columns: 1),
        .init(file: "elnino_sst_monthly.csv", rows: 732, frequency: "monthly", target: "sea_surface_temp_c", missingTarget: 0, columns: 1),
        .init(file: "frozen_orange_juice_monthly.csv", rows: 612, frequency: "monthly", target: "oj_price", missingTarget: 0, columns: 3),
        .init(file: "us_gasoline_weekly.csv", rows: 1355, frequency: "weekly", target: "gasoline_million_barrels_per_day", missingTarget: 0, columns: 1),
        .init(file: "taylor_electricity_halfhourly.csv", rows: 4032, frequency: "30min", target: "demand_mw", missingTarget: 0, columns: 1),
        .init(file: "msft_daily.csv", rows: 7983, frequency: "business days", target: "close", missingTarget: 0, columns: 5),
        .init(file: "nyc_ewr_weather_hourly.csv", rows: 8730, frequency: "1h", target: "temperature_f", missingTarget: 28, columns: 9),
    ]

    @Test(arguments: all)
    func readsAsDocumented(_ e: Expectation) throws {
        let frames = try CSVReader().read(path: dataset(e.file))
        #expect(frames.count == 1)
        let f = frames[0]
        #expect(f.rowCount == e.rows)
        #expect(f.columns.count == e.columns)
        #expect(f.frequencyReport.frequency?.name == e.frequency)
        #expect(try f.column(named: e.target).missing.missingCount == e.missingTarget)
        if e.frequency != "business days" { #expect(f.frequencyReport.gaps.isEmpty) }
    }

    @Test func weatherMissingCountsPerColumn() throws {
        let f = try CSVReader().read(path: dataset("nyc_ewr_weather_hourly.csv"))[0]
        let counts = Dictionary(uniqueKeysWithValues: f.columns.map { ($0.name, $0.missing.missingCount) })
        #expect(counts == ["temperature_f": 28, "dewpoint_f": 28, "relative_humidity_pct": 28, "wind_direction_deg": 283,
                           "wind_speed_mph": 28, "wind_gust_mph": 6928, "precipitation_in": 27, "pressure_mbar": 962,
                           "visibility_mi": 27])
        #expect(f.timestampStyle == .utc)
        #expect(f.timestamps?.first?.formatted(.utc) == "2013-01-01T06:00:00Z")
    }
}
