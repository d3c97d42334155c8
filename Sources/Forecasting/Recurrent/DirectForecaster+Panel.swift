import Neural
import TimeSeries

/// One global many-to-one model for several series (long format): windows of every
/// series train one network; each window is scaled on its own, so series of different
/// levels and units share it (per-series scaling), and each series keeps its own history
/// to forecast from.
extension DirectForecaster {
    /// What the model keeps per series of a panel: its name and its rows (`SeriesState`),
    /// encoded flat as one object per series.
    public struct SeriesHistory: Sendable, Codable, Equatable {
        public var name: String
        public var series: SeriesState

        public init(name: String, series: SeriesState) {
            self.name = name
            self.series = series
        }

        private enum CodingKeys: String, CodingKey { case name }

        public init(from decoder: any Decoder) throws {
            name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
            series = try SeriesState(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try series.encode(to: encoder)
        }
    }

    /// The scalings a global model may take: each window scales itself.
    static func panelNormalizations(_ c: RecurrentConfiguration) -> [RecurrentConfiguration.Normalization] {
        c.season > 1 ? [.windowSeasonal, .windowNaive] : [.windowNaive]
    }

    /// Trains one network on every series of `panel` with the configured scaling; the last
    /// 10% of each series' windows (at most `validationWindows`), in time order, validate. `steps` and `start` as for
    /// one series.
    public mutating func fit(panel: [SeriesData], steps: Int?, start: TrainingStart) throws {
        var c = configuration
        try RuleBook.check(RuleBook.Choices(c, global: true))
        if let steps { c.maxSteps = steps }
        guard let first = panel.first else {
            throw ForecastingError.invalidConfiguration("no series to train on")
        }
        guard Self.panelNormalizations(c).contains(c.normalization) else {
            throw ForecastingError.invalidConfiguration("a global model scales each window: --normalization window-seasonal, window-naive or auto")
        }
        state.frequencyCode = first.frequency.code
        for s in panel {
            _ = try c.directWindows(s.target, series: s.name)  // long enough, named in the error
            guard s.covariates.count == c.covariates.count, s.futureCovariates.count == c.futureCovariates.count,
                  s.staticCovariates.count == c.staticCovariates.count, c.calendar.isEmpty || s.timestamps != nil else {
                throw ForecastingError.invalidConfiguration("\(s.name): the series lacks the model's covariates or time column")
            }
        }
        let encoders = panelEncoders(panel)
        try trainDirect(panel, encoders: encoders, configuration: c, start: start)
        state.extra.seriesHistories = try zip(panel, encoders).map { s, encoder in
            var rows = SeriesState()
            rows.keep(encoder)
            rows.globalScaler = Scaler(kind: .identity, center: 0, scale: 1)  // windows scale themselves
            try rows.take(s, c)
            return SeriesHistory(name: s.name, series: rows)
        }
    }

    /// Each series its own encoder: its fallback scale and covariate scalers (windows
    /// scale themselves, so the model's global scaler is not used).
    func panelEncoders(_ panel: [SeriesData]) -> [WindowEncoder] {
        let base = encoder, c = configuration
        return panel.map { s -> WindowEncoder in
            var encoder = base
            encoder.fallbackScale = WindowScaling.seriesScale(s.target, season: c.season)
            encoder.covariateScalers = s.covariates.map { Scaler.fit(.standard, to: $0) }
            encoder.futureScalers = s.futureCovariates.map { Scaler.fit(.standard, to: $0) }
            return encoder
        }
    }

    /// The validation MAE over all series of `panel` (each in its units, divided by its
    /// seasonal MAE so series of any size weigh alike): every series' validation windows
    /// through the shared network in batches.
    public func validationError(panel: [SeriesData]) -> Double {
        guard let network else { return .infinity }
        let c = configuration
        var windows: [(series: Int, end: Int)] = []
        for (i, s) in panel.enumerated() {
            guard let (all, split) = try? c.directWindows(s.target, series: s.name) else { return .infinity }
            windows += all.starts.suffix(Self.validationWindows(split, series: panel.count)).map { (i, $0 + c.window) }
        }
        let encoders = panelEncoders(panel)
        let errors = directErrors(network, panel, encoders: encoders, windows: windows)
        let total = errors.reduce(0) { $0 + $1.error / encoders[$1.series].fallbackScale }
        return errors.isEmpty ? .infinity : total / Double(errors.count)
    }

    /// The names of the series of a global model (empty for a single-series model).
    public var seriesNames: [String] { state.extra.seriesHistories.map(\.name) }

    /// The forecaster for one series of a global model: the shared network with that
    /// series' rows.
    public func forSeries(_ name: String) throws -> DirectForecaster {
        guard let entry = state.extra.seriesHistories.first(where: { $0.name == name }) else {
            throw ForecastingError.invalidConfiguration("the model has no series \"\(name)\"; it has \(seriesNames.joined(separator: ", "))")
        }
        var view = self
        view.state.series = entry.series
        view.state.series.globalScaler = state.series.globalScaler
        view.state.extra.seriesHistories = []
        return view
    }
}
