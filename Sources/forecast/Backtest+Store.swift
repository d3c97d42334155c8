import Backtesting
import Storage
import TimeSeries

/// A backtest's origins in the store: written one by one as they complete, read back (a
/// resumed run, merged shards) and checked against the run's plan.
extension BacktestCommand {
    /// Writes one completed origin: its forecasts for every model, quantiles, actuals.
    static func record(_ index: Int, _ perModel: [Metrics.Outcome], plan: Plan, run: Int64, store: Store) throws {
        let input = plan.input
        func time(_ row: Int) -> String? { input.timestamps.map { $0[row].formatted(.utc) } }
        guard let first = perModel.first else { return }
        let originTime = time(first.trainLength - 1)
        var forecasts: [Store.ForecastRow] = [], quantiles: [Store.QuantileRow] = [], fits: [Store.FitRow] = []
        for (model, outcome) in zip(plan.makers.map(\.name), perModel) {
            if let fit = outcome.fit {
                fits.append(Store.FitRow(model: model, series: input.name, origin: index + 1, settingsJSON: fit.settings, note: fit.note))
            }
            let intervals = Metrics.centralIntervals(outcome.quantiles.map(\.level))
            let interval = Store.storedInterval(intervals.map(\.coverage)).map { intervals[$0] }
            for (i, value) in outcome.forecast.enumerated() {
                let row = outcome.row(step: i + 1)
                let actual = row < input.target.count && !input.target[row].isNaN ? input.target[row] : nil
                forecasts.append(Store.ForecastRow(
                    model: model, series: input.name, origin: index + 1, originTime: originTime, step: i + 1,
                    targetTime: row < input.target.count ? time(row) : nil, forecast: value,
                    lower: interval.map { outcome.quantiles[$0.lower].values[i] },
                    upper: interval.map { outcome.quantiles[$0.upper].values[i] }, actual: actual))
                for q in outcome.quantiles {
                    quantiles.append(Store.QuantileRow(model: model, series: input.name, origin: index + 1, step: i + 1,
                                                       level: q.level, value: q.values[i]))
                }
            }
        }
        try store.recordOrigin(Store.OriginRow(series: input.name, origin: index + 1, trainStart: first.trainStart,
                                               trainLength: first.trainLength, originTime: originTime,
                                               completedAt: Timestamp.nowUTC()),
                               forecasts: forecasts, quantiles: quantiles, fits: fits, run: run)
    }

    /// The outcomes of the origins a run has recorded for one series, as the backtest
    /// produced them, from that series' stored forecasts and quantiles.
    static func outcomes(of run: Int64, origins: [Store.OriginRow], forecasts: [Store.ForecastRow],
                         quantiles: [Store.QuantileRow], plan: Plan) throws -> [Int: [Metrics.Outcome]] {
        guard !origins.isEmpty else { return [:] }
        // The store returns rows by model, origin, step (and level): each group keeps that order.
        let byKey = Dictionary(grouping: forecasts) { "\($0.model)\u{1}\($0.origin)" }
        let quantileRows = Dictionary(grouping: quantiles) { "\($0.model)\u{1}\($0.origin)" }
        var out: [Int: [Metrics.Outcome]] = [:]
        let plannedLengths = plan.backtest.origins.trainLengths, h = plan.backtest.horizon
        for origin in origins {
            // Rows from a store (a resumed run's, or merged shards') are checked against the
            // plan before they index anything: a damaged or crafted store is an error, not a trap.
            func bad(_ what: String) -> CommandError {
                CommandError(message: "run \(run), series \(plan.input.name): origin \(origin.origin) \(what), not what the run's plan gives")
            }
            guard (1...plannedLengths.count).contains(origin.origin),
                  origin.trainLength == plannedLengths[origin.origin - 1],
                  (0..<origin.trainLength).contains(origin.trainStart) else {
                throw bad("trains on rows \(origin.trainStart)..<\(origin.trainLength)")
            }
            out[origin.origin - 1] = try plan.makers.map { maker in
                let key = "\(maker.name)\u{1}\(origin.origin)"
                guard let rows = byKey[key] else {
                    throw CommandError(message: "run \(run): origin \(origin.origin) has no forecasts of \(maker.name)")
                }
                guard rows.map(\.step) == Array(1...h) else { throw bad("has \(maker.name) forecasts of steps \(rows.map(\.step))") }
                let q = Dictionary(grouping: quantileRows[key] ?? [], by: \.level).sorted { $0.key < $1.key }
                    .map { (level: $0.key, values: $0.value.map(\.value)) }
                guard q.allSatisfy({ $0.level > 0 && $0.level < 1 && $0.values.count == h }) else {
                    throw bad("has \(maker.name) quantiles of other levels or steps")
                }
                return Metrics.Outcome(trainStart: origin.trainStart, trainLength: origin.trainLength,
                                       gap: plan.backtest.gap, forecast: rows.map(\.forecast), quantiles: q)
            }
        }
        return out
    }
}
