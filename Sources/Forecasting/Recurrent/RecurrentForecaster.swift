import Neural
import TimeSeries

/// A recurrent network forecaster (RNN, GRU or LSTM): one of the strategies, chosen by the
/// configuration's mode and `stateful` (`RecurrentConfiguration.Strategy`), or a
/// `Combination` of fitted ones (what `auto` scaling builds). Each strategy is its own type
/// with its own fitted state; this type is what the registry makes, the model file holds and
/// the command line uses.
public enum RecurrentForecaster: Forecaster {
    case direct(DirectForecaster)
    case statefulDirect(StatefulDirectForecaster)
    case sequence(SequenceForecaster)
    case encoderDecoder(EncoderDecoderForecaster)
    case combination(Combination)

    /// An unfitted forecaster of `configuration`'s strategy.
    public init(_ configuration: RecurrentConfiguration) {
        switch configuration.strategy {
        case .direct: self = .direct(DirectForecaster(configuration))
        case .statefulDirect: self = .statefulDirect(StatefulDirectForecaster(configuration))
        case .sequence, .statefulSequence: self = .sequence(SequenceForecaster(configuration))
        case .encoderDecoder: self = .encoderDecoder(EncoderDecoderForecaster(configuration))
        }
    }

    public var configuration: RecurrentConfiguration {
        switch self {
        case .direct(let m): m.configuration
        case .statefulDirect(let m): m.configuration
        case .sequence(let m): m.configuration
        case .encoderDecoder(let m): m.configuration
        case .combination(let m): m.configuration
        }
    }

    /// The registry's kind of this network (`gru`, `lstm`, `rnn`, `rnn-relu`).
    public var kind: ModelKind { ModelKind(cell: configuration.cell) }
    public var name: String { kind.rawValue }
    public var isCombination: Bool { if case .combination = self { true } else { false } }
    /// The single-strategy models: a combination's members, or this model itself.
    public var models: [RecurrentForecaster] {
        if case .combination(let m) = self { m.members } else { [self] }
    }

    /// What training did (a combination: its first member's, with the search's probes).
    public internal(set) var report: TrainingReport {
        get {
            switch self {
            case .direct(let m): m.report
            case .statefulDirect(let m): m.report
            case .sequence(let m): m.report
            case .encoderDecoder(let m): m.report
            case .combination(let m): m.members[0].report
            }
        }
        set {
            switch self {
            case .direct(var m): m.report = newValue; self = .direct(m)
            case .statefulDirect(var m): m.report = newValue; self = .statefulDirect(m)
            case .sequence(var m): m.report = newValue; self = .sequence(m)
            case .encoderDecoder(var m): m.report = newValue; self = .encoderDecoder(m)
            case .combination(var m): m.members[0].report = newValue; self = .combination(m)
            }
        }
    }

    /// Called after every training epoch (for a progress bar); not saved.
    public var progress: (@Sendable (TrainingProgress) -> Void)? {
        get {
            switch self {
            case .direct(let m): m.progress
            case .statefulDirect(let m): m.progress
            case .sequence(let m): m.progress
            case .encoderDecoder(let m): m.progress
            case .combination(let m): m.members[0].progress
            }
        }
        set {
            switch self {
            case .direct(var m): m.progress = newValue; self = .direct(m)
            case .statefulDirect(var m): m.progress = newValue; self = .statefulDirect(m)
            case .sequence(var m): m.progress = newValue; self = .sequence(m)
            case .encoderDecoder(var m): m.progress = newValue; self = .encoderDecoder(m)
            case .combination(var m):
                for i in m.members.indices { m.members[i].progress = newValue }
                self = .combination(m)
            }
        }
    }

    /// Observations the model has seen, training and updates.
    public var observations: Int {
        switch self {
        case .direct(let m): m.state.observations
        case .statefulDirect(let m): m.state.observations
        case .sequence(let m): m.state.observations
        case .encoderDecoder(let m): m.state.observations
        case .combination(let m): m.members[0].observations
        }
    }

    /// Training progress of training in parts (the `auto` search).
    var training: TrainingParts {
        switch self {
        case .direct(let m): m.training
        case .statefulDirect(let m): m.training
        case .sequence(let m): m.training
        case .encoderDecoder(let m): m.training
        case .combination: TrainingParts(steps: 0, finished: true)
        }
    }

    /// Fits on `series`. With `auto` scaling, the search (`ScalingSearch`) fits one model
    /// per candidate scaling and keeps the best, or the combination of those close to it.
    public mutating func fit(_ series: SeriesData) throws {
        let c = configuration
        try c.validate()
        let candidates = c.normalizationCandidates
        guard c.normalization == .auto else {
            guard candidates.contains(c.normalization) else {
                throw ForecastingError.invalidConfiguration(
                    "\(c.mode.rawValue) takes --normalization \(candidates.map(\.rawValue).joined(separator: ", ")) or auto")
            }
            return try fit(series, steps: nil, start: .fresh)
        }
        let progress = self.progress
        if candidates.count == 1 {  // nothing to choose (stateful many-to-one scales globally)
            var one = c
            one.normalization = candidates[0]
            self = RecurrentForecaster(one)
            self.progress = progress
            return try fit(series, steps: nil, start: .fresh)
        }
        self = try ScalingSearch(budget: c.maxSteps, season: c.season, progress: progress, combine: c.strategy == .direct).run(
            ScalingSearch.candidates(c, series),
            train: { model, steps, resuming in try model.fit(series, steps: steps, start: resuming ? .resume : .fresh) },
            score: { $0.validationError(series) })
    }

    /// Fits one global model on every series of `panel` (many-to-one, not stateful): the
    /// last 10% of each series' windows, in time order, validate; `auto` scaling searches
    /// the two window scalings.
    public mutating func fit(panel: [SeriesData]) throws {
        let c = configuration
        try RuleBook.check(RuleBook.Choices(c, global: true))
        try c.validate()
        let candidates = DirectForecaster.panelNormalizations(c)
        func train(_ model: inout RecurrentForecaster, _ steps: Int?, _ resuming: Bool) throws {
            guard case .direct(var direct) = model else { return }  // made from a direct configuration
            try direct.fit(panel: panel, steps: steps, start: resuming ? .resume : .fresh)
            model = .direct(direct)
        }
        guard c.normalization == .auto, candidates.count > 1 else {
            var one = c
            if one.normalization == .auto { one.normalization = candidates[0] }
            var model = RecurrentForecaster(one)
            model.progress = progress
            try train(&model, nil, false)
            self = model
            return
        }
        self = try ScalingSearch(budget: c.maxSteps, season: c.season, progress: progress, combine: false).run(
            candidates.map { normalization in
                var candidate = c
                candidate.normalization = normalization
                return candidate
            },
            train: train,
            score: { model in
                guard case .direct(let direct) = model else { return .infinity }
                return direct.validationError(panel: panel)
            })
    }

    /// Fits with the configured (not `auto`) scaling: `steps` replaces `maxSteps` for this
    /// call, and `start` says whether training starts from new networks or the fitted ones
    /// (a combination's members each from their own).
    mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        switch self {
        case .direct(var m): try m.fit(series, steps: steps, start: start); self = .direct(m)
        case .statefulDirect(var m): try m.fit(series, steps: steps, start: start); self = .statefulDirect(m)
        case .sequence(var m): try m.fit(series, steps: steps, start: start); self = .sequence(m)
        case .encoderDecoder(var m): try m.fit(series, steps: steps, start: start); self = .encoderDecoder(m)
        case .combination(var m):
            for i in m.members.indices { try m.members[i].fit(series, steps: steps, start: start) }
            self = .combination(m)
        }
    }

    /// Mean absolute error, in the series' units, of the model's forecasts for its
    /// validation windows (the measure the `auto` search compares).
    func validationError(_ series: SeriesData) -> Double {
        switch self {
        case .direct(let m): m.validationError(series)
        case .statefulDirect(let m): m.validationError(series)
        case .sequence(let m): m.validationError(series)
        case .encoderDecoder(let m): m.validationError(series)
        case .combination: .infinity  // never searched over
        }
    }

    public func predict(horizon: Int) throws -> Forecast {
        switch self {
        case .direct(let m): try m.predict(horizon: horizon)
        case .statefulDirect(let m): try m.predict(horizon: horizon)
        case .sequence(let m): try m.predict(horizon: horizon)
        case .encoderDecoder(let m): try m.predict(horizon: horizon)
        case .combination(let m): try m.predict(horizon: horizon)
        }
    }

    /// Forecasts of several fitted forecasters, in order. Direct models that share one
    /// network (the series of a global model) run through it in one inference pass
    /// (`DirectForecaster.predict(sharing:)`: the same numbers as one by one); combinations
    /// of such models do so member by member; any others forecast one by one.
    public static func predict(_ forecasters: [RecurrentForecaster], horizon: Int) throws -> [Forecast] {
        let direct = forecasters.compactMap { if case .direct(let m) = $0 { m } else { nil } }
        if direct.count == forecasters.count, let shared = try DirectForecaster.predict(sharing: direct, horizon: horizon) {
            return shared
        }
        let combined = forecasters.compactMap { if case .combination(let m) = $0 { m } else { nil } }
        if let first = combined.first, combined.count == forecasters.count,
           combined.allSatisfy({ $0.members.count == first.members.count }) {
            let byMember = try first.members.indices.map { k in try predict(combined.map { $0.members[k] }, horizon: horizon) }
            return forecasters.indices.map { i in Forecast(averaging: byMember.map { $0[i] }) }
        }
        return try forecasters.map { try $0.predict(horizon: horizon) }
    }

    /// Forecasts from the end of `series` instead of the end of the training history (no
    /// retraining): window models read its last L values, stateful and sequence models run
    /// their state over it.
    public mutating func condition(on series: SeriesData) throws {
        switch self {
        case .direct(var m): try m.condition(on: series); self = .direct(m)
        case .statefulDirect(var m): try m.condition(on: series); self = .statefulDirect(m)
        case .sequence(var m): try m.condition(on: series); self = .sequence(m)
        case .encoderDecoder(var m): try m.condition(on: series); self = .encoderDecoder(m)
        case .combination(var m):
            for i in m.members.indices { try m.members[i].condition(on: series) }
            self = .combination(m)
        }
    }

    /// Takes new observations after the history (NaN: carry the last value), with the
    /// covariates' values of the same rows (one array per covariate, NaN: carry) and their
    /// timestamps when the model uses calendar features. A stateful model advances its
    /// saved state over the new rows only (cost proportional to their number); other models
    /// slide their input window.
    public mutating func update(with values: [Double], covariates: [[Double]] = [], timestamps: [Timestamp]? = nil) throws {
        switch self {
        case .direct(var m): try m.update(with: values, covariates: covariates, timestamps: timestamps); self = .direct(m)
        case .statefulDirect(var m):
            try m.update(with: values, covariates: covariates, timestamps: timestamps)
            self = .statefulDirect(m)
        case .sequence(var m): try m.update(with: values, covariates: covariates, timestamps: timestamps); self = .sequence(m)
        case .encoderDecoder(var m):
            try m.update(with: values, covariates: covariates, timestamps: timestamps)
            self = .encoderDecoder(m)
        case .combination(var m):
            for i in m.members.indices { try m.members[i].update(with: values, covariates: covariates, timestamps: timestamps) }
            self = .combination(m)
        }
    }

    /// The names of the series of a global model (empty for a single-series model).
    public var seriesNames: [String] {
        switch self {
        case .direct(let m): m.seriesNames
        case .combination(let m): m.members[0].seriesNames
        case .statefulDirect, .sequence, .encoderDecoder: []
        }
    }

    /// The forecaster for one series of a global model.
    public func forecaster(forSeries name: String) throws -> RecurrentForecaster {
        switch self {
        case .direct(let m): return .direct(try m.forecaster(forSeries: name))
        case .combination(let m): return .combination(try m.forecaster(forSeries: name))
        case .statefulDirect, .sequence, .encoderDecoder:
            throw ForecastingError.invalidConfiguration("the model is not a global model; it has no series \"\(name)\"")
        }
    }

    /// The gradient-flow report of a fitted direct model (`DirectForecaster.gradientFlow`).
    public func gradientFlow(on series: SeriesData, windows: Int = 64) throws -> [Double] {
        guard case .direct(let m) = self else {
            throw ForecastingError.invalidConfiguration(
                "diagnose takes many-to-one models that are not stateful; this one is \(configuration.mode.rawValue)\(configuration.stateful ? ", stateful" : "")")
        }
        return try m.gradientFlow(on: series, windows: windows)
    }
}

extension RecurrentForecaster: WarmRefittable {
    /// This model refitted on `series` from its fitted weights: the same configuration (its
    /// scaling, a combination's members each from their own), the scalers fitted again on
    /// `series`, training from the weights with early stopping on the new validation windows
    /// (the starting weights count as epoch 0) for at most `steps` steps. `self` is unchanged.
    public func warmRefitted(on series: SeriesData, steps: Int) throws -> RecurrentForecaster {
        var model = try copied()
        try model.fit(series, steps: steps, start: .warm)
        return model
    }

    /// A global model refitted from its weights on the series of `panel`, as `warmRefitted(on:steps:)`.
    public func warmRefitted(onPanel panel: [SeriesData], steps: Int) throws -> RecurrentForecaster {
        var model = try copied()
        switch model {
        case .direct(var m):
            try m.fit(panel: panel, steps: steps, start: .warm)
            model = .direct(m)
        case .combination(var m):
            for i in m.members.indices { m.members[i] = try m.members[i].warmRefitted(onPanel: panel, steps: steps) }
            model = .combination(m)
        case .statefulDirect, .sequence, .encoderDecoder:
            try RuleBook.check(RuleBook.Choices(configuration, global: true))
            throw ForecastingError.invalidConfiguration("a global model over several series is many-to-one and not stateful")
        }
        return model
    }

    /// A copy whose networks are its own (the same weights), so training it leaves this one as it is.
    func copied() throws -> RecurrentForecaster {
        func copy(_ network: RecurrentNetwork?) throws -> RecurrentNetwork? {
            guard let network else { return nil }
            let twin = RecurrentNetwork(network.configuration, seed: 0)
            try twin.load(network.namedTensors, source: "the fitted model")
            return twin
        }
        switch self {
        case .direct(var m): m.network = try copy(m.network); return .direct(m)
        case .statefulDirect(var m): m.network = try copy(m.network); return .statefulDirect(m)
        case .sequence(var m): m.network = try copy(m.network); return .sequence(m)
        case .encoderDecoder(var m):
            m.network = try copy(m.network)
            m.decoder = try copy(m.decoder)
            return .encoderDecoder(m)
        case .combination(var m):
            m.members = try m.members.map { try $0.copied() }
            return .combination(m)
        }
    }
}

extension RecurrentForecaster: Refreshable {
    /// A stateful model advances its saved state over the new rows (`update`); any other
    /// takes its input window from the end of `series` (`condition(on:)`).
    public mutating func refresh(with series: SeriesData, newRows: Int) throws {
        if configuration.strategy.isStateful && newRows > 0 {
            try update(with: Array(series.target.suffix(newRows)), covariates: series.covariates.map { Array($0.suffix(newRows)) },
                       timestamps: series.timestamps.map { Array($0.suffix(newRows)) })
        } else {
            try condition(on: series)
        }
    }
}
