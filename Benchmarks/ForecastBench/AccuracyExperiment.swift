import Foundation
import Forecasting
import Ingestion
import Neural
import TimeSeries

/// Walk-forward MASE of the default recurrent forecaster against seasonal naive on one
/// bundled series (PROTOCOL.md origins), for tuning defaults:
///   ForecastBench accuracy --file datasets/X.csv --target COL --horizon H --season m [--every k]
func accuracyExperiment() throws {
    let file = option("--file", ""), target = option("--target", "")
    let h = Int(option("--horizon", "12"))!, m = Int(option("--season", "1"))!
    let every = Int(option("--every", "1"))!
    let y = try CSVReader(selection: ColumnSelection(target: target)).read(path: file)[0].values(of: target)
    let n = y.count
    let k = n < 1000 ? 10 : 20
    let s = max(1, min(h, (n / 2 - h) / (k - 1)))
    var scaledNet: [Double] = [], scaledNaive: [Double] = []
    let start = now()
    for origin in stride(from: k, through: 1, by: -every) {
        let t = n - h - (k - origin) * s
        let train = Array(y[0..<t])
        var q = 0.0, count = 0
        for i in m..<t where !train[i].isNaN && !train[i - m].isNaN { q += abs(train[i] - train[i - m]); count += 1 }
        q /= Double(count)
        let input = SeriesData(target: Frame.interpolated(train))
        var config = RecurrentConfiguration(horizon: h, season: m)
        config.seed = UInt64(option("--seed", "0"))!
        if let v = Int(option("--hidden", "")) { config.hiddenSize = v }
        if let v = Int(option("--max-steps", "")) { config.maxSteps = v }
        if let v = Int(option("--window", "")) { config.inputLength = v }
        if let v = Double(option("--lr", "")) { config.learningRate = v }
        if let v = RecurrentConfiguration.PointLoss(rawValue: option("--loss", "huber")) { config.loss = v }
        if let v = RecurrentConfiguration.Normalization(rawValue: option("--norm", "auto")) { config.normalization = v }
        var net = RecurrentForecaster(config)
        try net.fit(input)
        var naive = SeasonalNaive(period: m)
        try naive.fit(input)
        let f = try net.predict(horizon: h).point, b = try naive.predict(horizon: h).point
        for step in 0..<h where !y[t + step].isNaN {
            scaledNet.append(abs(y[t + step] - f[step]) / q)
            scaledNaive.append(abs(y[t + step] - b[step]) / q)
        }
        FileHandle.standardError.write(Data("origin \(origin): epochs \(net.report.epochs) best \(net.report.bestEpoch)\n".utf8))
    }
    let mase = scaledNet.reduce(0, +) / Double(scaledNet.count), naive = scaledNaive.reduce(0, +) / Double(scaledNaive.count)
    print("{\"file\": \"\(file)\", \"mase\": \(mase), \"seasonal_naive_mase\": \(naive), \"ratio\": \(mase / naive), \"seconds\": \(now() - start)}")
}
