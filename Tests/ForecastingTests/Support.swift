import Foundation
import Ingestion
import TimeSeries
@testable import Forecasting

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func datasetPath(_ name: String) -> String { packageRoot.appendingPathComponent("datasets/\(name)").path }

/// The public series of datasets/PROTOCOL.md: file stem, target, H, m.
let protocolSeries: [(name: String, target: String, horizon: Int, season: Int)] = [
    ("air_passengers_monthly", "passengers_thousands", 12, 12),
    ("ausbeer_quarterly", "beer_megalitres", 8, 4),
    ("elnino_sst_monthly", "sea_surface_temp_c", 12, 12),
    ("frozen_orange_juice_monthly", "oj_price", 12, 12),
    ("us_gasoline_weekly", "gasoline_million_barrels_per_day", 13, 52),
    ("taylor_electricity_halfhourly", "demand_mw", 48, 48),
    ("msft_daily", "close", 14, 1),
    ("nyc_ewr_weather_hourly", "temperature_f", 24, 24),
]

/// The raw target column (NaN where missing) of a bundled dataset.
func rawTarget(_ name: String, _ target: String) throws -> [Double] {
    try CSVReader(selection: ColumnSelection(target: target)).read(path: datasetPath("\(name).csv"))[0].values(of: target)
}

/// Rows of a reference CSV as dictionaries (the files have no quoted fields).
func referenceRows(_ file: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: packageRoot.appendingPathComponent("datasets/reference/\(file)").path, encoding: .utf8)
    var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines.removeFirst()
    return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
}
