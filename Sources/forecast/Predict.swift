import ArgumentParser
import Forecasting
import Foundation
import Neural
import Storage
import Support
import TimeSeries

/// `forecast predict`: forecast the steps after a series, with a saved model or one trained now.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forecast the steps after the end of a series (with --model, from a saved model; else train one first).")

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("model"), help: "A model file written by `forecast train`.")
    var modelPath: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Also store the forecast as a run in this SQLite database (created when missing).")
    var db: String?

    @Option(help: "A CSV file with the values of the covariates known in advance for the steps forecast (the time column, the series column of a panel, the --future-covariates columns); default: the rows after each series' last observed target.")
    var future: String?

    func run() throws {
        let store = try db.map(Store.Deferred.init)  // checked before the training, created after it
        var outputs: [ForecastOutput] = []
        if let modelPath {
            let file = try ModelFile.read(path: modelPath)
            var options = data
            options.target = data.target ?? file.target
            options.columns = nil
            let frames = try options.read(roles: file.roles)
            switch file.model {
            case .baseline(let saved):
                // A baseline is a rule of the history: it forecasts from the data given, refitted on it.
                for frame in frames {
                    try file.checkCompatible(with: frame, modelPath: modelPath)
                    let series = try SeriesData(frame: frame, target: file.target, covariates: [], policy: model.missing)
                    var baseline = saved
                    try baseline.fit(series)
                    let horizon = model.horizon ?? file.forecastHorizon
                    outputs.append(ForecastOutput(series: frame.displayName, target: file.target, model: baseline.name,
                                                  forecast: try file.withIntervals(try baseline.predict(horizon: horizon)),
                                                  frequency: file.frequency,
                                                  lastTimestamp: series.timestamps?.last, style: frame.timestampStyle,
                                                  lastIndex: frame.rowCount - 1))
                }
            case .network(let network):
                outputs = try forecastNetwork(network, file: file, frames: frames, modelPath: modelPath)
            }
        } else {
            let (file, forecaster, panel, futures) = try fitModel(data: data, model: model, forecasting: true, future: future)
            let forecasters = try panel.count > 1 ? panel.map { try forecaster.forecaster(forSeries: $0.name) } : [forecaster]
            let forecasts = try RecurrentForecaster.predict(forecasters, horizon: forecaster.configuration.horizon, futures: futures)
            for (series, forecast) in zip(panel, try forecasts.map(file.withIntervals)) {
                outputs.append(ForecastOutput(series: series.name, target: file.target, model: forecaster.name,
                                              forecast: forecast, frequency: file.frequency, lastTimestamp: series.timestamps?.last,
                                              style: file.timestampStyle, lastIndex: series.target.count - 1))
            }
        }
        if let store = try store?.open() {
            let config = modelPath.map { JSONValue.object([("model_file", .string($0))]).text }
                ?? JSONValue.object([("horizon", .finite(model.horizon.map(Double.init))), ("cell", .string(model.cell.rawValue)),
                                     ("mode", .string(model.mode.rawValue)), ("seed", .integer(Int(model.seed)))]).text
            try ForecastOutput.record(outputs, in: store, dataset: data.sourceName, configJSON: config)
        }
        print(ForecastOutput.render(outputs, format))
    }

    /// Forecasts of a saved network from the end of each frame (conditioned on its last
    /// window or state); the series of a global model share its network: one inference pass.
    func forecastNetwork(_ network: RecurrentForecaster, file: ModelFile, frames: [Frame], modelPath: String) throws
        -> [ForecastOutput]
    {
        let global = !network.seriesNames.isEmpty
        if frames.count > 1 && !global {
            throw CommandError(message: "\(data.sourceName): \(frames.count) series, but the model was trained on one")
        }
        for frame in frames { try file.checkCompatible(with: frame, modelPath: modelPath) }
        let (history, futures) = try SeriesInputs.splitFuture(frames, target: file.target, roles: file.roles,
                                                              horizon: network.configuration.horizon, frequency: file.frequency,
                                                              future: try future.map { try data.readFuture($0, roles: file.roles) },
                                                              source: data.sourceName)
        let inputs = try SeriesInputs.make(history, target: file.target, roles: file.roles, policy: model.missing, data: data,
                                           encoding: file.staticEncoding)
        var forecasters: [RecurrentForecaster] = [], conditioned: [(frame: Frame, series: SeriesData)] = []
        for (frame, series) in zip(history, inputs.series) {
            var forecaster = global ? try network.forecaster(forSeries: frame.displayName) : network
            try forecaster.condition(on: series)
            forecasters.append(forecaster)
            conditioned.append((frame, series))
        }
        let forecasts = try RecurrentForecaster.predict(forecasters, horizon: model.horizon ?? file.forecastHorizon, futures: futures)
        return try zip(conditioned, forecasts).map { conditioned, forecast in
            ForecastOutput(series: conditioned.frame.displayName, target: file.target, model: network.name,
                           forecast: try file.withIntervals(forecast), frequency: file.frequency,
                           lastTimestamp: conditioned.series.timestamps?.last,
                           style: conditioned.frame.timestampStyle, lastIndex: conditioned.frame.rowCount - 1)
        }
    }
}
