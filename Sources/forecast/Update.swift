import ArgumentParser
import Files
import Forecasting
import Foundation
import Neural
import Storage
import Support
import TimeSeries

/// `forecast update`: feed new observations to a saved model and forecast again.
struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Advance a saved model with the rows after its last timestamp, rewrite it, and forecast again.",
        discussion: """
            Rows at or before the model's last timestamp are skipped, so the same growing file can be \
            given again. A stateful model (many-to-one or many-to-many) advances its saved hidden \
            state over the new rows only; other models slide their input window. The new rows bring \
            the model's covariates with them. Missing values and skipped steps carry the last value.
            """)

    /// New steps one update takes at most (rows and the skipped steps filled between them).
    static let maxNewSteps = 10_000_000

    @OptionGroup var data: DataOptions

    @Option(name: .customLong("model"), help: "The model file to advance (rewritten in place, atomically).")
    var modelPath: String

    @Option(help: "Forecast horizon, in steps (default: the model's).")
    var horizon: Int?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "Also store the new forecast as a `predict` run in this SQLite database (created when missing).")
    var db: String?

    func validate() throws {
        try checkRanges([("--horizon", horizon, RecurrentConfiguration.Limits.horizon)])
    }

    func run() throws {
        var file = try ModelFile.read(path: modelPath)
        try SafeFile.checkWritable(modelPath)
        // Checked now, created once the new rows are read and the model advanced (bad data
        // leave no new store), before the model file is rewritten.
        let deferred = try db.map(Store.Deferred.init)
        var options = data
        options.target = file.target
        options.columns = nil
        let frames = try options.read(roles: CovariateRoles(past: file.roles.past, future: file.roles.future))
        guard frames.count == 1, let whole = frames.first else {
            throw CommandError(message: "\(data.sourceName): \(frames.count) series; update one at a time")
        }
        try file.checkCompatible(with: whole, modelPath: modelPath)
        // With covariates known in advance, the rows after the last observed target hold their
        // values for the new forecast (as for `predict`), not new observations.
        var frame = whole, future = FutureInputs.none
        if case .network(let network) = file.model, !file.roles.future.isEmpty {
            let split = try SeriesInputs.splitFuture([whole], target: file.target, roles: file.roles, horizon: network.configuration.horizon,
                                                     frequency: file.frequency, future: nil, source: data.sourceName)
            frame = split.history[0]
            future = split.futures[0]
        }
        if case .network(let network) = file.model, !network.seriesNames.isEmpty {
            throw CommandError(message: "\(modelPath): a global model of \(network.seriesNames.count) series; update takes a model of one series (predict --model forecasts a global model from the whole file)",
                               code: ExitStatus.usage)
        }
        let values = try frame.values(of: file.target)
        // Past and future covariates alike: the new rows bring their values with them.
        let covariateValues = try (file.roles.past + file.roles.future).map { try frame.values(of: $0) }
        var newValues: [Double] = []
        var newCovariates = [[Double]](repeating: [], count: covariateValues.count)
        var newTimestamps: [Timestamp] = []
        var last = file.lastTimestamp
        if let stamps = frame.timestamps, let modelLast = file.lastTimestamp {
            for (row, (t, v)) in zip(stamps, values).enumerated() where t > modelLast {
                guard let steps = file.frequency.steps(from: last ?? modelLast, to: t), steps >= 1 else {
                    throw CommandError(message: "\(data.sourceName): \(t.formatted(frame.timestampStyle)) is not on the model's \(file.frequency.name) grid after \(modelLast.formatted(file.timestampStyle))")
                }
                // Skipped steps are filled: a gap of years on a fine grid would fill memory.
                guard steps <= Update.maxNewSteps - newValues.count else {
                    throw CommandError(message: "\(data.sourceName): \(t.formatted(frame.timestampStyle)) is \(steps) \(file.frequency.name) steps after the model's last row; update takes at most \(Update.maxNewSteps) new steps",
                                       code: ExitStatus.dataError)
                }
                newValues += Array(repeating: .nan, count: steps - 1) + [v]  // skipped steps carry the last value
                for k in newCovariates.indices { newCovariates[k] += Array(repeating: .nan, count: steps - 1) + [covariateValues[k][row]] }
                newTimestamps += (1...steps).map { file.frequency.advance(last ?? modelLast, by: $0) }
                last = t
            }
        } else {
            // No time axis: the rows after the ones the model has seen.
            let seen = file.observations
            newValues = Array(values.dropFirst(seen))
            newCovariates = covariateValues.map { Array($0.dropFirst(seen)) }
        }
        let forecast: Forecast, observations: Int
        switch file.model {
        case .network(var network):
            let past = file.roles.past.count
            try network.update(with: SeriesData(name: frame.displayName, target: newValues, covariates: Array(newCovariates.prefix(past)),
                                                futureCovariates: Array(newCovariates.dropFirst(past)),
                                                timestamps: newTimestamps.isEmpty ? nil : newTimestamps))
            file.model = .network(network)
            forecast = try file.withIntervals(try network.predict(horizon: horizon ?? file.forecastHorizon, future: future))
            observations = network.observations
        case .baseline(var baseline):
            // Missing and skipped steps carry the last value.
            baseline.update(with: Frame.forwardFilled(newValues, after: baseline.lastValue))
            file.model = .baseline(baseline)
            forecast = try file.withIntervals(try baseline.predict(horizon: horizon ?? file.forecastHorizon))
            observations = baseline.observations
        }
        file.lastTimestamp = last
        let store = try deferred?.open()
        if !newValues.isEmpty { try file.write(to: modelPath) }
        FileHandle.standardError.write(Data("\(modelPath): \(newValues.count) new step\(newValues.count == 1 ? "" : "s")\n".utf8))
        let output = ForecastOutput(series: frame.displayName, target: file.target, model: file.model.kind.rawValue,
                                    forecast: forecast, frequency: file.frequency, lastTimestamp: last, style: file.timestampStyle,
                                    lastIndex: observations - 1)
        if let store {
            let config = JSONValue.object([("model_file", .string(modelPath)), ("updated_steps", .integer(newValues.count))])
            try ForecastOutput.record([output], in: store, dataset: data.sourceName, configJSON: config.text)
        }
        print(output.render(format))
    }
}
