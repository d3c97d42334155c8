import Forecasting
import TimeSeries

/// A serial walk-forward run: every model refitted from scratch at every origin on the
/// protocol's model input (the training window with missing values filled as
/// datasets/PROTOCOL.md section 3), forecasting H steps, scored by `Metrics`.
public struct Backtest {
    /// A model to evaluate: its name and a maker of fresh, unfitted instances.
    public struct Model {
        public var name: String
        public var make: () -> any Forecaster
        public init(name: String, make: @escaping () -> any Forecaster) {
            self.name = name
            self.make = make
        }
    }

    /// One model's results: the forecasts of every origin and their metrics.
    public struct Result {
        public var model: String
        public var outcomes: [Metrics.Outcome]
        public var metrics: Metrics
    }

    public var origins: Origins
    public var horizon: Int
    public var season: Int

    public init(origins: Origins, horizon: Int, season: Int) {
        self.origins = origins
        self.horizon = horizon
        self.season = season
    }

    /// Runs `models` on the raw series `y` (NaN where missing), with its timestamps and grid.
    public func run(_ models: [Model], series y: [Double], name: String = "series", timestamps: [Timestamp]? = nil,
                    frequency: Frequency = .index) throws -> [Result] {
        try models.map { model in
            let outcomes = try origins.trainLengths.map { t -> Metrics.Outcome in
                let window = Array(y[0..<t])
                let input = Frame.interpolated(window)
                let dropped = t - input.count  // leading missing values
                let data = SeriesData(name: name, target: input,
                                      timestamps: timestamps.map { Array($0[dropped..<t]) }, frequency: frequency)
                var forecaster = model.make()
                try forecaster.fit(data)
                return Metrics.Outcome(trainLength: t, forecast: try forecaster.predict(horizon: horizon).point)
            }
            return Result(model: model.name, outcomes: outcomes, metrics: Metrics(outcomes: outcomes, series: y, season: season))
        }
    }
}
