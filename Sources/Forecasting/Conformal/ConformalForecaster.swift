/// Any forecaster with split-conformal intervals (`--conformal`): `fit` calibrates on the
/// last `windows` origins inside the data, `step` rows apart, the last one's `horizon`
/// steps ending at the data's end (one model fitted on the rows before the first origin,
/// moved to the later ones without refitting when it is `Refreshable`, refitted otherwise:
/// baselines), then fits the model on all the data; `predict` puts the calibration's
/// intervals around the model's point forecast. Nothing after the data is used, so in a
/// backtest each origin calibrates on its own training rows.
public struct ConformalForecaster: Forecaster {
    /// What to calibrate: coverages, calibration origins and their spacing, steps.
    public struct Settings: Sendable, Equatable {
        public var coverages: [Double]
        public var windows: Int
        public var step: Int
        /// Steps each calibration origin forecasts (the model's horizon).
        public var horizon: Int

        public init(coverages: [Double], windows: Int, step: Int, horizon: Int) {
            self.coverages = coverages
            self.windows = windows
            self.step = step
            self.horizon = horizon
        }
    }

    public let settings: Settings
    private let make: () -> any Forecaster
    /// The model fitted on all the data (nil before `fit`).
    public private(set) var model: (any Forecaster)?
    public private(set) var calibration: ConformalCalibration?

    /// Conformal intervals around models made by `make` (a new unfitted model each call).
    public init(_ settings: Settings, make: @escaping () -> any Forecaster) {
        self.settings = settings
        self.make = make
    }

    public var name: String { model?.name ?? make().name }

    /// What the fit of the model on all the data chose (the calibration fits are not reported).
    public var fitSummary: FitSummary? { model?.fitSummary }

    public mutating func fit(_ series: SeriesData) throws {
        calibration = try ConformalForecaster.calibrate(settings, on: series, make: make)
        var fitted = make()
        try fitted.fit(series)
        model = fitted
    }

    public func predict(horizon: Int) throws -> Forecast { try predict(horizon: horizon, future: .none) }

    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        guard let model, let calibration else { throw ForecastingError.notFitted(model: name) }
        try calibration.check(horizon: horizon)
        return calibration.forecast(around: try model.predict(horizon: horizon, future: future).point)
    }

    /// The calibration of `settings` on `series`: origins c_j = n - H - (N - 1 - j) S, j = 0 ..< N;
    /// a model made by `make` fitted on the rows before c_0, moved to each later origin
    /// (`Refreshable`) or refitted there; the absolute errors of its H steps at each.
    public static func calibrate(_ settings: Settings, on series: SeriesData, make: () -> any Forecaster) throws
        -> ConformalCalibration
    {
        let n = series.target.count, h = settings.horizon
        let first = n - h - (settings.windows - 1) * settings.step
        guard first >= 2 else {
            throw ForecastingError.tooShort(series: series.name, length: n, needed: n - first + 2,
                                            reason: "for \(settings.windows) conformal origins \(settings.step) apart forecasting \(h) steps")
        }
        var model = make()
        if let network = model as? RecurrentForecaster {
            try RuleBook.check(RuleBook.Choices(network.configuration, conformal: true))
        }
        do {
            try model.fit(series.prefix(first))
        } catch ForecastingError.tooShort(_, _, let needed, let reason) {
            throw ForecastingError.tooShort(series: series.name, length: n, needed: needed + n - first,
                                            reason: "\(reason), before \(settings.windows) conformal origins \(settings.step) apart forecasting \(h) steps (fewer --conformal-windows or a smaller --conformal-step)")
        }
        var scores: [[Double]] = []
        for j in 0..<settings.windows {
            let origin = first + j * settings.step
            if j > 0 {
                if var refreshable = model as? any Refreshable {
                    try refreshable.refresh(with: series.prefix(origin), newRows: settings.step)
                    model = refreshable
                } else {
                    model = make()
                    try model.fit(series.prefix(origin))
                }
            }
            // Inputs known in advance come from the series' rows after the origin.
            let future = FutureInputs(covariates: series.futureCovariates.map { Array($0[origin..<(origin + h)]) })
            let forecast = try model.predict(horizon: h, future: future).point
            scores.append((0..<h).map { abs(series.target[origin + $0] - forecast[$0]) })
        }
        return ConformalCalibration(coverages: settings.coverages, scores: scores, step: settings.step)
    }
}

extension ConformalForecaster: Refreshable {
    /// Moves the model's origin (a backtest's origins between refits); the calibration stays
    /// the one of the fit, which saw only earlier rows.
    public mutating func refresh(with series: SeriesData, newRows: Int) throws {
        guard var refreshable = model as? any Refreshable else {
            var fitted = make()
            try fitted.fit(series)
            model = fitted
            return
        }
        try refreshable.refresh(with: series, newRows: newRows)
        model = refreshable
    }
}
