import ArgumentParser
import Forecasting
import Foundation
import Ingestion
import Neural
import TimeSeries
import Files

/// `forecast train`: fit a model on a series and save it as a model file.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a recurrent forecaster (or fit a baseline) on a series and save it (one safetensors file).")

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Where to write the model file (written to a temporary file, then renamed; checked before training).")
    var modelOut: String

    @Option(help: "The model to fit: \(ModelKind.names()) (default: the network of --cell).",
            transform: { try ModelKind.parse($0) })
    var kind: ModelKind?

    func run() throws {
        try SafeFile.checkWritable(modelOut)  // fail in a second, not after the training
        if let kind, !kind.isNetwork { return try fitBaseline(kind) }
        var options = model
        if let kind { options.cell = kind }
        let (file, forecaster, _, _) = try fitModel(data: data, model: options)
        try file.write(to: modelOut)
        for note in forecaster.fitNotes { print(note) }
        if let anchor = forecaster.anchor, forecaster.isFallback {
            print("the forecast is \(anchor.summary); the model file holds that baseline")
            print("model written to \(modelOut)")
            return
        }
        let r = forecaster.report
        print("""
            trained \(forecaster.name) (\(forecaster.configuration.normalization.rawValue) scaling) on \
            \(r.trainingSamples) windows, validated on \(r.validationSamples): \(r.epochs) epochs, best epoch \(r.bestEpoch), \
            validation loss \(formatNumber(r.bestValidationLoss))
            """)
        if let probes = r.probes {
            let scores = probes.map { "\($0.label) \(formatNumber($0.validationError))" }
            let what = probes.contains { $0.settings != nil } ? "candidates" : "scalings"
            let units = forecaster.transform.map { ", in \($0.label) units" } ?? ""
            print("\(what) probed (validation MAE after the first round\(units)): " + scores.joined(separator: ", "))
        }
        let networks = forecaster.models
        if networks.count > 1 {
            let season = networks.map(\.configuration.season).min()!  // two networks at least
            let labels = networks.map { network in
                let c = network.configuration
                // After a search each network's settings in full, else its scaling.
                return c.search == .off ? SearchProbe.label(c.normalization, season: c.season == season ? nil : c.season)
                    : NetworkSettings(c).description
            }
            print("forecasts average \(networks.count) networks: " + labels.joined(separator: ", "))
        }
        if let transform = forecaster.transform { print("the networks see the target through \(transform.label)") }
        if let anchor = forecaster.anchor { print("the forecast is \(anchor.summary)") }
        print("model written to \(modelOut)")
    }

    /// Fits a baseline on the one series and saves it: `predict --model` refits its rule on
    /// the data it is given, `update` advances it over new rows.
    func fitBaseline(_ kind: ModelKind) throws {
        let frames = try data.read()
        guard frames.count == 1, let frame = frames.first else {
            throw CommandError(message: "\(data.sourceName): \(frames.count) series; a baseline's model file holds one")
        }
        let target = try resolveTarget(data.target, frame)
        let series = try SeriesData(frame: frame, target: target, covariates: [], policy: model.missing)
        let frequency = frame.frequencyReport.frequency ?? .index
        guard var baseline = kind.make(model.configuration(frequency: frequency)) as? any Baseline else {
            throw CommandError(message: "\(kind.rawValue) is not a baseline")  // not reached: kind is a baseline
        }
        try baseline.fit(series)
        let configuration = model.configuration(frequency: frequency)
        let horizon = model.horizon ?? frequency.protocolDefaults.horizon
        var file = ModelFile(model: .baseline(baseline), target: target, covariates: [], frequency: frequency,
                             timestampStyle: frame.timestampStyle, lastTimestamp: series.timestamps?.last,
                             provenance: provenance(of: data))
        file.horizon = horizon  // what predict and update forecast
        if let settings = model.conformalSettings(horizon: horizon) {
            file.conformal = try ConformalForecaster.calibrate(settings, on: series) { kind.make(configuration) }
        }
        try file.write(to: modelOut)
        print("fitted \(kind.rawValue) on \(series.target.count) observations")
        print("model written to \(modelOut)")
    }
}

/// Reads the data and fits the forecaster that `train` and `predict` share: one series, or
/// (long format) one global model over every series. With covariates known in advance the
/// history ends at each series' last observed target, and `future` (`predict --future`, else
/// the rows after it) gives their values for the forecast (`futures`; empty for `train`).
func fitModel(data: DataOptions, model: ModelOptions, forecasting: Bool = false, future: String? = nil) throws
    -> (file: ModelFile, forecaster: RecurrentForecaster, panel: [SeriesData], futures: [FutureInputs])
{
    let roles = model.roles
    let frames = try data.read(roles: roles)
    guard let frame = frames.first else { throw CommandError(message: "\(data.sourceName): no series") }
    let target = try resolveTarget(data.target, frame)
    let frequency = frame.frequencyReport.frequency ?? .index
    var configuration = model.configuration(frequency: frequency)
    let history: [Frame], futures: [FutureInputs]
    if forecasting {
        (history, futures) = try SeriesInputs.splitFuture(frames, target: target, roles: roles, horizon: configuration.horizon,
                                                          frequency: frequency, future: try future.map { try data.readFuture($0, roles: roles) },
                                                          source: data.sourceName)
    } else {
        (history, futures) = (try SeriesInputs.history(frames, target: target, roles: roles, source: data.sourceName), [])
    }
    let inputs = try SeriesInputs.make(history, target: target, roles: roles, policy: model.missing, data: data)
    let panel = inputs.series
    configuration.staticCovariates = inputs.encoding?.featureNames ?? []
    if let refusal = RuleBook.refusal(model.choices(global: panel.count > 1)) {
        throw CommandError(message: "\(data.sourceName): \(panel.count) series: \(refusal)", code: ExitStatus.usage)
    }
    var forecaster = RecurrentForecaster(configuration)
    forecaster.progress = ProgressBar.training()
    defer { ProgressBar.finish() }
    if frames.count > 1 {
        try forecaster.fit(panel: panel)
    } else {
        try forecaster.fit(panel[0])
    }
    let last = panel.compactMap { $0.timestamps?.last }.max()
    var modelFile = ModelFile(forecaster: forecaster, target: target, covariates: model.covariates, frequency: frequency,
                              timestampStyle: frame.timestampStyle, lastTimestamp: last,
                              provenance: provenance(of: data, seed: model.seed))
    modelFile.roles = roles
    modelFile.staticEncoding = inputs.encoding
    if let settings = model.conformalSettings(horizon: forecaster.configuration.horizon) {
        let configuration = forecaster.configuration
        modelFile.conformal = try ConformalForecaster.calibrate(settings, on: panel[0]) { RecurrentForecaster(configuration) }
    }
    return (modelFile, forecaster, panel, futures)
}

/// Where a model file's model came from: tool version, data file and its FNV-1a hash (a
/// CSV file's), creation time, and the seed of a network.
func provenance(of data: DataOptions, seed: UInt64? = nil) -> [String: String] {
    var provenance = ["tool_version": toolVersion, "data_file": data.sourceName, "created_at": Timestamp.nowUTC()]
    if let seed { provenance["seed"] = String(seed) }
    if data.sqlite == nil, let file = data.file { provenance["data_fnv1a64"] = ModelFile.fingerprint(path: file) }
    return provenance
}

/// The target column: the one named, or the only numeric column.
func resolveTarget(_ named: String?, _ frame: Frame) throws -> String {
    if let named { return named }
    let numeric = frame.columns.filter { $0.kind == .numeric }.map(\.name)
    let file = frame.source?.file ?? frame.displayName
    if numeric.isEmpty {
        let columns = frame.columns.map(\.name).joined(separator: ", ")
        throw CommandError(message: "\(file): no numeric column to forecast (\(columns.isEmpty ? "the file has only a time column" : "text columns: \(columns)"))",
                           code: ExitStatus.dataError)
    }
    guard numeric.count == 1 else {
        throw CommandError(message: "\(file): \(numeric.count) numeric columns (\(numeric.joined(separator: ", "))); name the one to forecast with --target",
                           code: ExitStatus.usage)
    }
    return numeric[0]
}

let toolVersion = "0.2.0"  // 0.2.0: a one-series network compares itself with its baseline (--shrink) by default
