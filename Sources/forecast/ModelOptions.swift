import ArgumentParser
import Forecasting
import Foundation
import Neural
import TimeSeries

/// The recurrent forecaster's flags, shared by `train`, `predict` and `backtest`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Forecast horizon, in steps (default: by frequency, as datasets/PROTOCOL.md: monthly 12, quarterly 8, weekly 13, daily 14, hourly 24, half-hourly 48).")
    var horizon: Int?

    @Option(help: "Seasonal period, in steps (default: by frequency: monthly 12, quarterly 4, weekly 52, hourly 24, half-hourly 48, daily 1).")
    var season: Int?

    @Option(help: "many-to-one (a window in, H values out at once) or many-to-many (next value at every step, forecasts fed back).")
    var mode: RecurrentConfiguration.Mode = .manyToOne

    @Flag(help: "Carry the hidden state across consecutive windows while training (many-to-one or many-to-many; global scaling) and keep it after the history, for `forecast update`.")
    var stateful = false

    @Option(help: "Recurrent cell: \(ModelKind.names(ModelKind.networks)).", transform: { try ModelKind.parseNetwork($0) })
    var cell: ModelKind = .gru

    @Option(help: "Hidden units per layer.")
    var hidden = 64

    @Option(help: "Stacked recurrent layers.")
    var layers = 1

    @Option(help: "Dropout between recurrent layers while training, in [0, 1).")
    var dropout: Float = 0

    @Option(help: "Input window of the network, in steps (default: max(3 x horizon, 2 x season)).")
    var inputWindow: Int?

    @Option(help: "Scaling: auto (judged on validation; many-to-one averages those within 30% of the best); many-to-one: window-seasonal, window-naive or global; many-to-many: global or differences.")
    var normalization: RecurrentConfiguration.Normalization = .auto

    @Option(help: "Search the network's own settings on its validation windows: off, quick (four points around the settings given: window, hidden size, layers, learning rate, dropout) or thorough (twelve, the LSTM cell among them); successive halving under one step budget, the few best averaged; a one-series fit (a global network searches its scalings only; default: \(SettingsSearch.Level.standard.rawValue)).")
    var search: SettingsSearch.Level = .standard

    @Option(help: "Transform the target before the network sees it: none, log, box-cox (lambda in [0, 1] by Guerrero's method) or auto (box-cox or none, whichever validates better; positive series only). Forecasts and intervals are mapped back; a one-series fit (default: \(TargetTransform.Choice.standard.rawValue)).")
    var transform: TargetTransform.Choice = .standard

    @Flag(inversion: .prefixedNo, help: "Compare the network with its baseline (seasonal naive, or naive) on its validation windows and shrink the forecast toward it, or fall back to it, where that validates better (a one-series fit; a global network is its networks alone).")
    var shrink = true

    @Option(help: "Quantile levels for a quantile head, comma-separated (e.g. 0.1,0.5,0.9): forecasts get intervals.",
            transform: { text in try text.split(separator: ",").map { part in
                guard let q = Double(part), q > 0, q < 1 else { throw ValidationError("--quantiles takes levels in (0, 1), got \"\(part)\".") }
                return q
            } })
    var quantiles: [Double] = []

    @Flag(help: "A Gaussian head: sampled paths give the forecast (their mean) and 80%, 90% and 95% intervals.")
    var gaussian = false

    @Flag(help: "A Student-t head (location, scale and degrees of freedom per step) for heavy-tailed changes: the location is the forecast, sampled paths give 80%, 90% and 95% intervals (many-to-one).")
    var studentT = false

    @Option(help: "Conformal intervals of these coverages around any model's point forecast, comma-separated (e.g. 0.8,0.95): split-conformal per step from the model's own errors at the last --conformal-windows origins of its training data.",
            transform: { text in try text.split(separator: ",").map { part in
                guard let c = Double(part), ConformalCalibration.coverageLimit.contains(c) else {
                    throw ValidationError("--conformal takes coverages in \(ConformalCalibration.coverageLimit), got \"\(part)\".")
                }
                return c
            } })
    var conformal: [Double] = []

    @Option(help: "With --conformal: calibration origins, the last one's forecast ending at the end of the training data.")
    var conformalWindows = 10

    @Option(help: "With --conformal: rows between calibration origins.")
    var conformalStep = 1

    @Option(help: "Sample paths drawn from a Gaussian head.")
    var samples = 200

    /// The columns given roles: past, future and static covariates.
    @OptionGroup var columnRoles: RoleOptions
    var covariates: [String] { columnRoles.covariates }
    var futureCovariates: [String] { columnRoles.futureCovariates }
    var staticCovariates: [String] { columnRoles.staticCovariates }
    var categorical: [String] { columnRoles.categorical }

    @Option(help: "Calendar features fed with every input step: hour, weekday, yearday, comma-separated, or auto (those that vary at the data's frequency).")
    var calendar: String?

    @Option(help: "Training loss of a point head: \(RecurrentConfiguration.PointLoss.allCases.map(\.rawValue).joined(separator: ", ")) (a quantile head uses the pinball loss, a Gaussian head the negative log-likelihood).")
    var loss: RecurrentConfiguration.PointLoss = .huber

    @Option(help: "Learning rate of the optimizer.")
    var learningRate = 1e-3

    @Option(help: "Optimizer: adam, adamw (weight decay 0.01), sgd (momentum 0.9) or rmsprop.")
    var optimizer: RecurrentConfiguration.OptimizerKind = .adam

    @Option(help: "Learning-rate schedule: plateau (halve after 3 epochs without improvement), cosine, step (halve every 10 epochs) or constant.")
    var schedule: RecurrentConfiguration.Schedule = .plateau

    @Option(help: "Samples per batch.")
    var batchSize = 64

    @Option(help: "Training epochs at most.")
    var epochs = 100

    @Option(help: "Epochs without validation improvement before stopping early.")
    var patience = 10

    @Option(help: "Optimizer steps at most, over all epochs.")
    var maxSteps = 3000

    @Option(help: "Clip the gradients' global norm to this (0: off).")
    var clip = 1.0

    @Option(help: "Seed for weights and batch order: the same seed gives the same model.")
    var seed: UInt64 = 0

    @Option(help: "Missing values in the training data: error, drop, ffill, interpolate (datasets/PROTOCOL.md section 3), or mask (interpolated for the inputs, but a missing target counts in neither the training loss nor the validation error).")
    var missing: MissingPolicy = .interpolate

    func validate() throws {
        // The range each numeric flag accepts: bounds a user can reach and memory can hold
        // (`--hidden 100000000` would allocate petabytes), checked before anything runs.
        typealias Limits = RecurrentConfiguration.Limits
        try checkRanges([
            ("--horizon", horizon, Limits.horizon), ("--season", season, Limits.season),
            ("--input-window", inputWindow, Limits.inputLength), ("--hidden", hidden, Limits.hiddenSize),
            ("--layers", layers, Limits.layers), ("--batch-size", batchSize, Limits.batchSize),
            ("--epochs", epochs, Limits.maxEpochs), ("--patience", patience, Limits.patience),
            ("--max-steps", maxSteps, Limits.maxSteps), ("--samples", samples, Limits.samples),
            ("--conformal-windows", conformalWindows, ConformalCalibration.windowLimit),
            ("--conformal-step", conformalStep, ConformalCalibration.stepLimit),
        ])
        if !(0..<1).contains(dropout) { throw ValidationError("--dropout must be in [0, 1).") }
        if !(learningRate > 0 && learningRate <= 10) { throw ValidationError("--learning-rate must be in (0, 10], got \(learningRate).") }
        if !(clip >= 0 && clip.isFinite) { throw ValidationError("--clip must be a finite number >= 0 (0: off), got \(clip).") }
        if [gaussian, studentT, !quantiles.isEmpty].filter({ $0 }).count > 1 {
            throw ValidationError("Choose one of --gaussian, --student-t and --quantiles.")
        }
        if Set(conformal.map { ($0 * 1e6).rounded() }).count != conformal.count || conformal.count > ConformalCalibration.coverageCount.upperBound {
            throw ValidationError("--conformal takes up to \(ConformalCalibration.coverageCount.upperBound) coverages, each once (to 6 decimals).")
        }
        // Static covariates describe the series of a global model: whether there are several is
        // known once the data are read (checked again then).
        try checkCombination(global: !staticCovariates.isEmpty)
        if let calendar, calendar != "auto" {
            for name in calendar.split(separator: ",") where CalendarFeature(rawValue: String(name)) == nil {
                throw ValidationError("--calendar takes hour, weekday, yearday or auto, not \"\(name)\".")
            }
        }
    }

    /// The head the flags ask for (quantile levels ascending).
    var head: RecurrentConfiguration.Head {
        gaussian ? .gaussian : studentT ? .studentT : quantiles.isEmpty ? .point : .quantiles(quantiles.sorted())
    }

    /// The choices of these flags for the rule book, with what the command adds (a global
    /// fit, warm refits).
    func choices(global: Bool = false, warmRefit: Bool = false) -> RuleBook.Choices {
        RuleBook.Choices(mode: mode, head: head,
                         stateful: stateful, global: global, covariates: !covariates.isEmpty,
                         futureCovariates: !futureCovariates.isEmpty, staticCovariates: !staticCovariates.isEmpty,
                         calendar: calendar != nil, conformal: !conformal.isEmpty, warmRefit: warmRefit, normalization: normalization,
                         search: search != .off)
    }

    /// Refuses (exit 64) the flags' combination when the rule book does, in its sentence.
    func checkCombination(global: Bool = false, warmRefit: Bool = false) throws {
        if let refusal = RuleBook.refusal(choices(global: global, warmRefit: warmRefit)) {
            throw ValidationError(refusal.prefix(1).uppercased() + refusal.dropFirst() + ".")
        }
    }

    /// The columns the flags give roles to.
    var roles: CovariateRoles { columnRoles.roles }

    /// The conformal calibration's settings for models forecasting `horizon` steps (nil without --conformal).
    func conformalSettings(horizon: Int) -> ConformalForecaster.Settings? {
        conformal.isEmpty ? nil
            : ConformalForecaster.Settings(coverages: conformal, windows: conformalWindows, step: conformalStep, horizon: horizon)
    }

    /// The configuration for data on `frequency`.
    func configuration(frequency: Frequency) -> RecurrentConfiguration {
        let defaults = frequency.protocolDefaults
        var c = RecurrentConfiguration(horizon: horizon ?? defaults.horizon, season: season ?? defaults.season)
        if let kind = cell.cell { c.cell = kind }  // a network kind (parseNetwork)
        c.mode = mode
        c.stateful = stateful
        c.hiddenSize = hidden
        c.layers = layers
        c.dropout = dropout
        c.inputLength = inputWindow
        c.normalization = normalization
        c.search = search
        c.shrinks = shrink
        c.transform = transform
        c.head = head
        c.samples = samples
        c.covariates = covariates
        c.futureCovariates = futureCovariates  // the static ones' encoded names come with the data (`SeriesInputs`)
        switch calendar {
        case nil: c.calendar = []
        case "auto": c.calendar = CalendarFeature.suited(to: frequency)
        case let names?: c.calendar = names.split(separator: ",").compactMap { CalendarFeature(rawValue: String($0)) }
        }
        c.loss = loss
        c.learningRate = learningRate
        c.optimizer = optimizer
        c.schedule = schedule
        c.batchSize = batchSize
        c.maxEpochs = epochs
        c.patience = patience
        c.maxSteps = maxSteps
        c.clipNorm = clip
        c.seed = seed
        // A test hook: `make test` runs every notebook command in a small setting.
        if ProcessInfo.processInfo.environment["FORECAST_QUICK"] != nil { c.maxSteps = min(c.maxSteps, 5) }
        return c
    }
}

extension ModelKind: ExpressibleByArgument {
    /// A network kind for `--cell`; a baseline or an unknown name is a usage error naming the kinds.
    static func parseNetwork(_ text: String, flag: String = "--cell") throws -> ModelKind {
        guard let kind = ModelKind(rawValue: text), kind.isNetwork else {
            throw ValidationError("\(flag) takes \(ModelKind.names(ModelKind.networks)), not \"\(text)\".")
        }
        return kind
    }

    /// A model kind by name; an unknown name is a usage error listing the kinds.
    static func parse(_ text: String) throws -> ModelKind {
        guard let kind = ModelKind(rawValue: text) else {
            throw ValidationError("Unknown model \"\(text)\"; choose from \(ModelKind.names()).")
        }
        return kind
    }

    /// The kinds of `--models`, comma-separated.
    static func parseList(_ text: String) throws -> [ModelKind] {
        try text.split(separator: ",").map { try parse(String($0)) }
    }
}

extension RecurrentConfiguration.Normalization: ExpressibleByArgument {}
extension RecurrentConfiguration.Mode: ExpressibleByArgument {}
extension RecurrentConfiguration.Schedule: ExpressibleByArgument {}
extension RecurrentConfiguration.OptimizerKind: ExpressibleByArgument {}
extension RecurrentConfiguration.PointLoss: ExpressibleByArgument {}
extension SettingsSearch.Level: ExpressibleByArgument {}
extension TargetTransform.Choice: ExpressibleByArgument {}
extension MissingPolicy: ExpressibleByArgument {}
