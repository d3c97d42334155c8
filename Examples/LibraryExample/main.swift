// The library from Swift: read a CSV, fit a GRU forecaster, forecast with intervals,
// and score a small walk-forward backtest. `swift run -c release LibraryExample`.
import Backtesting
import Forecasting
import Ingestion

let frame = try CSVReader().read(path: "datasets/air_passengers_monthly.csv")[0]
let series = try SeriesData(frame: frame, target: "passengers_thousands")

var configuration = RecurrentConfiguration(horizon: 12, season: 12)   // GRU, 64 units, many-to-one
configuration.quantiles = [0.1, 0.5, 0.9]
var model = RecurrentForecaster(configuration)
try model.fit(series)
let forecast = try model.predict(horizon: 12)
for h in 0..<3 {
    let interval = forecast.intervals[0]
    print("step \(h + 1): \(Int(forecast.point[h].rounded())) [\(Int(interval.lower[h].rounded())), \(Int(interval.upper[h].rounded()))]")
}

let backtest = Backtest(origins: .protocolRule(seriesLength: series.target.count, horizon: 12), horizon: 12, season: 12, jobs: 2)
let results = try backtest.evaluate([.init(name: "seasonal-naive") { SeasonalNaive(period: 12) },
                                     .init(name: "gru") { RecurrentForecaster(RecurrentConfiguration(horizon: 12, season: 12)) }],
                                    on: series)
for result in results { print(result.model, "MASE", result.metrics.overall!.mase) }
