import Testing
import TimeSeries
@testable import Forecasting

/// Naive, seasonal naive and drift equal statsforecast's forecasts in
/// datasets/reference/*_forecasts.csv at every origin, to floating-point precision.
@Suite struct BaselineTests {
    @Test(arguments: protocolSeries.map(\.name))
    func matchTheReferenceForecasts(_ name: String) throws {
        let spec = protocolSeries.first { $0.name == name }!  // arguments come from the same table
        let y = try rawTarget(name, spec.target)
        let rows = try referenceRows("\(name)_forecasts.csv")
        var checked = 0
        var groups: [String: [[String: String]]] = [:]
        for row in rows where ["Naive", "SeasonalNaive", "RandomWalkWithDrift"].contains(row["model"] ?? "") {
            groups["\(row["model"]!)#\(row["origin"]!)", default: []].append(row)  // every row has both columns
        }
        for (_, group) in groups {
            let trainLength = Int(group[0]["train_len"]!)!  // the reference always fills it
            let input = SeriesData(name: name, target: Frame.interpolated(Array(y[0..<trainLength])))
            var model: any Forecaster = switch group[0]["model"]! {
            case "Naive": Naive()
            case "SeasonalNaive": SeasonalNaive(period: spec.season)
            default: Drift()
            }
            try model.fit(input)
            let forecast = try model.predict(horizon: spec.horizon).point
            for row in group {
                let h = Int(row["h"]!)!, expected = Double(row["forecast"]!)!
                #expect(abs(forecast[h - 1] - expected) <= 1e-9 * max(1, abs(expected)),
                        "\(name) \(row["model"]!) origin \(row["origin"]!) h \(h)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test func historicMeanAndErrors() throws {
        var mean = HistoricMean()
        try mean.fit(SeriesData(target: [1, 2, 3, 6]))
        #expect(try mean.predict(horizon: 2).point == [3, 3])
        var seasonal = SeasonalNaive(period: 4)
        #expect(throws: ForecastingError.self) { try seasonal.fit(SeriesData(target: [1, 2])) }
        #expect(throws: ForecastingError.self) { try Naive().predict(horizon: 1) }
    }
}
