import Neural
import TimeSeries

/// One global many-to-one model for several series (long format): windows of every
/// series train one network; each window is scaled on its own, so series of different
/// levels and units share it (per-series scaling), and each series keeps its own history
/// to forecast from.
extension RecurrentForecaster {
    /// What the model keeps per series of a panel.
    public struct SeriesHistory: Sendable, Codable, Equatable {
        public var name: String
        public var history: [Double]
        public var covariateHistory: [[Double]]
        public var timestampHistory: [Timestamp]?
        public var covariateScalers: [Scaler]
        public var fallbackScale: Double
        public var lastValue: Double
        public var observations: Int
    }

    /// Fits one network on every series of `panel`; the last 10% of each series' windows,
    /// in time order, validate. `auto` scaling chooses between the two window scalings.
    public mutating func fit(panel: [SeriesData]) throws {
        try configuration.validate()
        guard configuration.strategy == .direct else {
            throw ForecastingError.invalidConfiguration("a global model over several series is many-to-one and not stateful")
        }
        var candidates: [RecurrentConfiguration.Normalization] = configuration.season > 1 ? [.windowSeasonal, .windowNaive] : [.windowNaive]
        if configuration.normalization != .auto {
            guard candidates.contains(configuration.normalization) else {
                throw ForecastingError.invalidConfiguration("a global model scales each window: --normalization window-seasonal, window-naive or auto")
            }
            candidates = [configuration.normalization]
        }
        try fitBest(of: candidates) { model in try model.fitPanel(panel) }
    }

    /// Trains on the panel; returns the validation MAE over all series (each in its units,
    /// divided by its seasonal MAE so series of any size weigh alike).
    mutating func fitPanel(_ panel: [SeriesData]) throws -> Double {
        let c = configuration, l = c.window
        guard let first = panel.first else {
            throw ForecastingError.invalidConfiguration("no series to train on")
        }
        state.frequencyCode = first.frequency.code
        for s in panel {
            _ = try directWindows(s.target, series: s.name)  // long enough, named in the error
            guard s.covariates.count == c.covariates.count, c.calendar.isEmpty || s.timestamps != nil else {
                throw ForecastingError.invalidConfiguration("\(s.name): the series lacks the model's covariates or time column")
            }
        }
        // Each series its own encoder: its fallback scale and covariate scalers (windows
        // scale themselves, so the model's global scaler is not used).
        let base = encoder
        let encoders = panel.map { s -> WindowEncoder in
            var encoder = base
            encoder.fallbackScale = WindowScaling.seriesScale(s.target, season: c.season)
            encoder.covariateScalers = s.covariates.map { Scaler.fit(.standard, to: $0) }
            return encoder
        }
        let (_, validationIndex) = try trainDirect(panel, encoders: encoders, configuration: c, resuming: false)
        guard let network else { return .infinity }  // set by trainDirect
        state.report = report
        state.seriesHistories = zip(panel, encoders).map { s, encoder in
            SeriesHistory(name: s.name, history: Array(s.target.suffix(l)),
                          covariateHistory: s.covariates.map { Array($0.suffix(l)) },
                          timestampHistory: c.calendar.isEmpty ? nil : s.timestamps.map { Array($0.suffix(l)) },
                          covariateScalers: encoder.covariateScalers, fallbackScale: encoder.fallbackScale, lastValue: s.target.last ?? 0, observations: s.target.count)
        }
        // Every series' validation windows through the shared network in batches.
        let errors = directErrors(network, panel, encoders: encoders, windows: validationIndex)
        let total = errors.reduce(0) { $0 + $1.error / encoders[$1.series].fallbackScale }
        return errors.isEmpty ? .infinity : total / Double(errors.count)
    }

    /// The names of the series of a global model (empty for a single-series model).
    public var seriesNames: [String] { state.seriesHistories.map(\.name) }

    /// The forecaster for one series of a global model: the shared network with that
    /// series' history.
    public func forecaster(forSeries name: String) throws -> RecurrentForecaster {
        guard let entry = state.seriesHistories.first(where: { $0.name == name }) else {
            throw ForecastingError.invalidConfiguration("the model has no series \"\(name)\"; it has \(seriesNames.joined(separator: ", "))")
        }
        var view = self
        view.state.history = entry.history
        view.state.covariateHistory = entry.covariateHistory
        view.state.timestampHistory = entry.timestampHistory
        view.state.fallbackScale = entry.fallbackScale
        view.state.covariateScalers = entry.covariateScalers
        view.state.lastValue = entry.lastValue
        view.state.observations = entry.observations
        view.state.seriesHistories = []
        return view
    }
}
