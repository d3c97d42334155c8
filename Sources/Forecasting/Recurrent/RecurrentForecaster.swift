import Foundation
import Neural
import TimeSeries

/// A recurrent network forecaster (RNN, GRU or LSTM): what the registry makes, the model
/// file holds and the command line uses. It holds one fitted strategy, or several of one
/// kind whose forecasts it averages with equal weights (what `auto` scaling builds from the
/// scalings that validate close to the best, `SettingsSearch`), and runs them through the
/// `RecurrentStrategy` contract alone: the strategy of a configuration is the registered one
/// that serves it (`strategies`).
public struct RecurrentForecaster: Forecaster {
    /// The strategies, the one list: each configuration is served by the first that says so.
    /// A new strategy is one file and its line here.
    static let strategies: [any RecurrentStrategy.Type] = [
        DirectForecaster.self, StatefulDirectForecaster.self, SequenceForecaster.self, EncoderDecoderForecaster.self,
    ]

    /// The strategy type serving `configuration`; nil when none does (none today: every
    /// mode, stateful or not, has one; the rule book refuses what they cannot do).
    static func strategy(serving configuration: RecurrentConfiguration) -> (any RecurrentStrategy.Type)? {
        strategies.first { $0.serves(configuration) }
    }

    /// The fitted (or unfitted) strategies whose forecasts are averaged: one, or the members
    /// of a combination (the first validated best; its report holds the search's probes).
    public internal(set) var members: [any RecurrentStrategy]

    /// The baseline the forecast is mixed with or replaced by (`Anchor`), chosen on the
    /// validation windows of a one-series fit; nil: the networks alone (`--no-shrink`, a
    /// global model, model files written before it).
    public internal(set) var anchor: Anchor?

    /// What the last fit did beyond its configuration, for people (a window shrunk to fit
    /// a short history, the search's cost); not saved.
    public internal(set) var fitNotes: [String] = []
    /// Whether the last fit shortened the default window to fit a short history; not saved.
    public internal(set) var windowShortened = false
    /// The configuration asked for when the fit shortened its window (a warm refit on a
    /// longer history fits afresh from it); not saved.
    var shortenedFrom: RecurrentConfiguration?

    /// The transform of the target the networks see (`TargetTransform`; nil: none).
    public internal(set) var transform: TargetTransform?

    /// Whether the forecast is the baseline's alone because no network could be fitted.
    public var isFallback: Bool { anchor?.unfitted != nil }

    /// An unfitted forecaster of `configuration`'s strategy.
    public init(_ configuration: RecurrentConfiguration) {
        // Every mode has a strategy (the list above covers `Mode.allCases`, stateful or not).
        guard let type = Self.strategy(serving: configuration) else {
            preconditionFailure("RecurrentForecaster: no strategy serves \(configuration.mode.rawValue)")
        }
        members = [type.init(configuration)]
    }

    /// A forecaster of fitted members (at least one) of one configuration but their scaling.
    init(members: [any RecurrentStrategy]) {
        precondition(!members.isEmpty, "RecurrentForecaster: no members")
        self.members = members
    }

    /// The first member's configuration: the best validated (members differ in their scaling
    /// and, after a search, their window, size, learning rate, dropout or cell).
    public var configuration: RecurrentConfiguration { members[0].configuration }
    /// The registry's kind of this network (`gru`, `lstm`, `rnn`, `rnn-relu`).
    public var kind: ModelKind { ModelKind(cell: configuration.cell) }
    public var name: String { kind.rawValue }
    /// Whether it averages several networks.
    public var isCombination: Bool { members.count > 1 }
    /// Each member as a forecaster of its own.
    public var models: [RecurrentForecaster] { members.map { RecurrentForecaster(members: [$0]) } }

    /// What training did (a combination: its first member's, with the search's probes).
    public internal(set) var report: TrainingReport {
        get { members[0].report }
        set { members[0].report = newValue }
    }

    /// Called after every training epoch (for a progress bar); not saved.
    public var progress: (@Sendable (TrainingProgress) -> Void)? {
        get { members[0].progress }
        set { for i in members.indices { members[i].progress = newValue } }
    }

    /// Observations the model has seen, training and updates.
    public var observations: Int { members[0].seriesState.observations }

    /// Training progress of training in parts (the `auto` search; a combination is never trained in parts).
    var training: TrainingParts { members.count == 1 ? members[0].training : TrainingParts(steps: 0, finished: true) }

    /// Fits on `series`: a history too short for the default window gets a shorter one, one
    /// too short for any a forecast of the baseline alone (`RecurrentConfiguration.windowChoice`);
    /// then the networks (`fitNetworks`) and, unless `--no-shrink`, the anchor: how much of
    /// the forecast is theirs beside the baseline's (`Anchor.fitted`). An empty series is the
    /// only one that gets no forecast.
    public mutating func fit(_ series: SeriesData) throws {
        let asked = configuration
        var c = asked
        try c.validate()
        let progress = self.progress, rows = series.target.count
        guard rows > 0 else {
            throw ForecastingError.tooShort(series: series.name, length: 0, needed: 1, reason: "for any forecast")
        }
        var notes: [String] = [], shortened = false
        switch c.windowChoice(rows: rows) {
        case .fits: break
        case .shrunk(let window):
            shortened = true
            notes.append("input window \(window) instead of \(c.window): the history has \(rows) rows")
            c.inputLength = window
        case .tooShort(let reason):
            self = try .fallback(c, series, reason: reason, progress: progress)
            return
        }
        // One fit per transform candidate (two with `--transform auto` on a positive series),
        // the one of the least validation MAE in the data's units kept (the first on a tie).
        let first = try TargetTransform.fitted(c.transform, to: series.target, season: c.season)
        let transforms: [TargetTransform?] = c.transform == .auto && first != nil ? [nil, first] : [first]
        var best: (model: RecurrentForecaster, anchor: Anchor?, error: Double)?
        var tried: [String] = []
        for transform in transforms {
            var model = RecurrentForecaster(c)
            model.progress = progress
            do {
                try model.fitNetworks(transform?.apply(series) ?? series)
            } catch ForecastingError.tooShort(_, let length, let needed, let reason) {
                self = try .fallback(asked, series, reason: "the history has \(length) rows, fewer than the \(needed) needed \(reason)",
                                     progress: progress)
                return
            }
            model.transform = transform
            let anchor = c.shrinks || transforms.count > 1 ? try Anchor.fitted(model, on: series, configuration: c) : nil
            let error = (c.shrinks ? anchor?.mixError : anchor?.networkError) ?? .infinity
            tried.append("\(transform?.label ?? "none") \(Anchor.shown(anchor?.networkError))")
            if best == nil || error < best!.error { best = (model, anchor, error) }  // set in the first pass
        }
        self = best!.model  // one transform at least
        if transforms.count > 1 {
            notes.append("transforms tried (the networks' validation MAE): \(tried.joined(separator: ", ")); kept \(transform?.label ?? "none")")
        }
        fitNotes = notes + fitNotes
        windowShortened = shortened
        shortenedFrom = shortened ? asked : nil
        if c.shrinks { anchor = best!.anchor }
    }

    /// A forecaster of `c` that is `series`' baseline alone (`Anchor.fallback`), saying why.
    private static func fallback(_ c: RecurrentConfiguration, _ series: SeriesData, reason: String,
                                 progress: (@Sendable (TrainingProgress) -> Void)?) throws -> RecurrentForecaster {
        var model = RecurrentForecaster(c)
        model.progress = progress
        model.anchor = try Anchor.fallback(series, c, reason: reason)
        return model
    }

    /// Fits the networks on `series`: one fit when there is one candidate (a scaling given,
    /// or the only one the strategy takes, and no search); else the search over the settings
    /// and scalings (`SettingsSearch`), which keeps the best or the average of those close
    /// to it.
    mutating func fitNetworks(_ series: SeriesData) throws {
        let c = configuration
        guard c.normalization == .auto || c.normalizationCandidates.contains(c.normalization) else {
            throw ForecastingError.invalidConfiguration(
                "\(c.mode.rawValue) takes --normalization \(c.normalizationCandidates.map(\.rawValue).joined(separator: ", ")) or auto")
        }
        let candidates = SettingsSearch.scalings(c, series)
        let progress = self.progress
        guard candidates.count > 1 || c.search != .off else {
            self = RecurrentForecaster(candidates[0].configuration)
            self.progress = progress
            return try fit(series, steps: nil, start: .fresh)
        }
        let search = SettingsSearch(budget: c.maxSteps, season: c.season, progress: progress, combine: DirectForecaster.serves(c))
        var tried = candidates.count
        self = try search.run(candidates,
                              more: c.search == .off ? nil : { scaling in
                                  let more = SettingsSearch.points(c, series, from: scaling)
                                  tried += more.count
                                  return more
                              },
                              train: { model, steps, resuming in try model.fit(series, steps: steps, start: resuming ? .resume : .fresh) },
                              score: { $0.validationError(series) })
        fitNotes.append("the search tried \(tried) candidates (at most \(search.stepBound(candidates: tried, searching: c.search != .off)) optimizer steps)")
    }

    /// Fits one global model on every series of `panel` (many-to-one, not stateful): the
    /// last 10% of each series' windows, in time order, validate; `auto` scaling searches
    /// the two window scalings.
    public mutating func fit(panel: [SeriesData]) throws {
        let c = configuration
        try RuleBook.check(RuleBook.Choices(c, global: true))
        try c.validate(global: true)
        let candidates = DirectForecaster.panelNormalizations(c)
        func train(_ model: inout RecurrentForecaster, _ steps: Int?, _ resuming: Bool) throws {
            try model.fit(panel: panel, steps: steps, start: resuming ? .resume : .fresh)
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
        self = try SettingsSearch(budget: c.maxSteps, season: c.season, progress: progress, combine: false).run(
            candidates.map { normalization in
                var candidate = c
                candidate.normalization = normalization
                return SettingsSearch.Candidate(configuration: candidate, changes: nil)
            },
            train: train,
            score: { $0.members.count == 1 ? $0.members[0].validationError(panel: panel) : .infinity })
    }

    /// Fits with the configured (not `auto`) scaling: `steps` replaces `maxSteps` for this
    /// call, and `start` says whether training starts from new networks or the fitted ones
    /// (a combination's members each from their own).
    mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        for i in members.indices { try members[i].fit(series, steps: steps, start: start) }
    }

    /// One global network per member on every series of `panel`, as `fit(_:steps:start:)`.
    mutating func fit(panel: [SeriesData], steps: Int?, start: TrainingStart) throws {
        for i in members.indices { try members[i].fit(panel: panel, steps: steps, start: start) }
    }

    /// Mean absolute error, in the series' units, of the model's forecasts for its
    /// validation windows (the measure the `auto` search compares; a combination is never
    /// searched over: infinity).
    func validationError(_ series: SeriesData) -> Double {
        members.count == 1 ? members[0].validationError(series) : .infinity
    }

    public func predict(horizon: Int) throws -> Forecast { try predict(horizon: horizon, future: .none) }

    /// The forecast of the `horizon` steps after the history, with the future values of the
    /// inputs known in advance (`future`); a combination's is the mean of its members'.
    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        if let anchor, isFallback { return try anchor.forecast(horizon: horizon) }
        let forecasts = try members.map { try $0.predict(horizon: horizon, future: future) }
        return try anchored(forecasts.count == 1 ? forecasts[0] : Forecast(averaging: forecasts))
    }

    /// The networks' `forecast` mapped back from the transform and mixed with the anchor's
    /// baseline (unchanged without them).
    private func anchored(_ forecast: Forecast) throws -> Forecast {
        let back = transform?.invert(forecast) ?? forecast
        return try anchor?.mixed(back) ?? back
    }

    /// Forecasts of several fitted forecasters, in order. Members that share their networks
    /// (the series of a global model) run through them in one inference pass
    /// (`RecurrentStrategy.predict(sharing:horizon:)`: the same numbers as one by one),
    /// member by member for combinations; any others forecast one by one.
    /// `futures` holds each forecaster's future inputs (none: `.none` for all).
    public static func predict(_ forecasters: [RecurrentForecaster], horizon: Int, futures: [FutureInputs]? = nil) throws
        -> [Forecast]
    {
        let futures = futures ?? Array(repeating: .none, count: forecasters.count)
        precondition(futures.count == forecasters.count, "RecurrentForecaster.predict: one FutureInputs per forecaster")
        guard let count = forecasters.first?.members.count,
              forecasters.allSatisfy({ $0.members.count == count && !$0.isFallback }) else {
            return try zip(forecasters, futures).map { try $0.predict(horizon: horizon, future: $1) }
        }
        let byMember = try (0..<count).map { k in
            try predict(sharing: forecasters.map { $0.members[k] }, horizon: horizon, futures: futures)
        }
        return try forecasters.indices.map { i in
            try forecasters[i].anchored(count == 1 ? byMember[0][i] : Forecast(averaging: byMember.map { $0[i] }))
        }
    }

    /// Forecasts of `strategies` in one pass when they are of one type that shares its
    /// networks among them, else one by one.
    private static func predict(sharing strategies: [any RecurrentStrategy], horizon: Int, futures: [FutureInputs]) throws
        -> [Forecast]
    {
        func together<S: RecurrentStrategy>(_ first: S) throws -> [Forecast]? {
            let same = strategies.compactMap { $0 as? S }
            return same.count == strategies.count ? try S.predict(sharing: same, horizon: horizon, futures: futures) : nil
        }
        if let first = strategies.first, let shared = try together(first) { return shared }
        return try zip(strategies, futures).map { try $0.predict(horizon: horizon, future: $1) }
    }

    /// Forecasts from the end of `series` instead of the end of the training history (no
    /// retraining): window models read its last L values, stateful and sequence models run
    /// their state over it.
    public mutating func condition(on series: SeriesData) throws {
        if !isFallback {
            let seen = transform?.apply(series) ?? series
            for i in members.indices { try members[i].condition(on: seen) }
        }
        try anchor?.condition(on: series)
    }

    /// Takes new observations after the history (NaN: carry the last value), with the
    /// covariates' values of the same rows (one array per covariate, NaN: carry) and their
    /// timestamps when the model uses calendar features. A stateful model advances its
    /// saved state over the new rows only (cost proportional to their number); other models
    /// slide their input window.
    public mutating func update(with values: [Double], covariates: [[Double]] = [], timestamps: [Timestamp]? = nil) throws {
        guard covariates.allSatisfy({ $0.count == values.count }) else {
            throw ForecastingError.invalidConfiguration(
                "the new rows have \(values.count) values but covariates of \(covariates.map(\.count)) values")
        }
        try update(with: SeriesData(name: "new rows", target: values, covariates: covariates, timestamps: timestamps))
    }

    /// Takes the new rows of `rows` (their target, covariates and timestamps), as above.
    public mutating func update(with rows: SeriesData) throws {
        if !isFallback {
            let seen = transform?.apply(rows) ?? rows
            for i in members.indices { try members[i].update(with: seen) }
        }
        anchor?.update(with: rows.target)
    }

    /// The names of the series of a global model (empty for a single-series model).
    public var seriesNames: [String] { members[0].seriesNames }

    /// The forecaster for one series of a global model.
    public func forecaster(forSeries name: String) throws -> RecurrentForecaster {
        RecurrentForecaster(members: try members.map { try $0.forSeries(name) })
    }

    /// The gradient-flow report of a fitted one-network model (`RecurrentStrategy.gradientFlow`).
    public func gradientFlow(on series: SeriesData, windows: Int = 64) throws -> [Double] {
        guard members.count == 1 else {
            throw ForecastingError.invalidConfiguration("the model averages \(members.count) networks; diagnose them one by one (`models`)")
        }
        return try members[0].gradientFlow(on: transform?.apply(series) ?? series, windows: windows)
    }

    /// A copy whose networks are its own (the same weights), so training it leaves this one as it is.
    func copied() throws -> RecurrentForecaster {
        var copy = RecurrentForecaster(members: try members.map { try $0.copied() })
        copy.anchor = anchor
        copy.transform = transform
        copy.windowShortened = windowShortened
        copy.shortenedFrom = shortenedFrom
        return copy
    }
}

extension RecurrentForecaster: WarmRefittable {
    /// This model refitted on `series` from its fitted weights: the same configuration (its
    /// scaling, a combination's members each from their own), the scalers fitted again on
    /// `series`, training from the weights with early stopping on the new validation windows
    /// (the starting weights count as epoch 0) for at most `steps` steps. `self` is unchanged.
    /// A model that fell back to its baseline, or whose window was shortened to fit a short
    /// history, is fitted afresh with the configuration asked for (the history may now be long
    /// enough); the anchor is chosen again on the new validation windows.
    public func warmRefitted(on series: SeriesData, steps: Int) throws -> RecurrentForecaster {
        guard !isFallback, shortenedFrom == nil else {
            var model = RecurrentForecaster(shortenedFrom ?? configuration)
            model.progress = progress
            try model.fit(series)
            return model
        }
        var model = try copied()
        model.anchor = nil
        try model.fit(transform?.apply(series) ?? series, steps: steps, start: .warm)
        if configuration.shrinks, let anchor {
            var asked = configuration
            asked.season = anchor.season ?? asked.season  // the season the first fit chose its baseline for
            model.anchor = try Anchor.fitted(model, on: series, configuration: asked)
        }
        return model
    }

    /// A global model refitted from its weights on the series of `panel`, as `warmRefitted(on:steps:)`.
    public func warmRefitted(onPanel panel: [SeriesData], steps: Int) throws -> RecurrentForecaster {
        var model = try copied()
        try model.fit(panel: panel, steps: steps, start: .warm)
        return model
    }
}

extension RecurrentForecaster: Refreshable {
    /// A stateful model advances its saved state over the new rows (`update`); any other
    /// takes its input window from the end of `series` (`condition(on:)`).
    public mutating func refresh(with series: SeriesData, newRows: Int) throws {
        if configuration.stateful && newRows > 0 {
            try update(with: series.suffix(newRows))
        } else {
            try condition(on: series)
        }
    }
}

extension RecurrentForecaster {
    /// What the fit chose (the store's `fits.settings_json`): each network's settings, the
    /// search level, the baseline and the network's weight beside it, the notes.
    private struct ChosenSettings: Encodable {
        var networks: [NetworkSettings]
        var search: SettingsSearch.Level
        var transform: String?
        var baseline: String?
        var weight: Double?
        var notes: [String]
    }

    /// The settings the fit chose and what the forecast is; nil before a fit.
    public var fitSummary: FitSummary? {
        guard isFallback || !members[0].networks.isEmpty else { return nil }
        let networks = isFallback ? [] : members.map { NetworkSettings($0.configuration) }
        let chosen = ChosenSettings(networks: networks, search: configuration.search, transform: transform?.label,
                                    baseline: anchor?.baselineName,
                                    weight: anchor?.weight, notes: fitNotes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let settings = (try? encoder.encode(chosen)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var parts = fitNotes
        if !networks.isEmpty {
            parts.append((networks.count == 1 ? "" : "the average of \(networks.count) networks: ")
                + networks.map(\.description).joined(separator: "; "))
        }
        if let transform { parts.append("the networks see the target through \(transform.label)") }
        if let anchor { parts.append("the forecast is " + anchor.summary) }
        return FitSummary(settings: settings, note: parts.joined(separator: "; "), source: anchor?.source ?? .network,
                          adapted: windowShortened)
    }
}
