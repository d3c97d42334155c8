import Neural
import TimeSeries

/// Stateful many-to-one (Keras `stateful=True` with `return_sequences=False`): the network
/// reads the series window after window with its state carried across, and the direct head
/// forecasts the H steps after the last state. Rows are scaled by one global scaler (a
/// state that runs across windows needs one scale for all of them), covariates by theirs.
extension RecurrentForecaster {
    /// Trains on `series` (scalers already fitted by `fitConcrete`): the training part (all
    /// but the last validation windows' rows) is cut into contiguous segments, one per batch
    /// row; batch k holds window k of every segment with the H values after it as target,
    /// so each row's state carries from one window to the next (`StatefulBatches`), reset
    /// at every epoch and at every segment's start. Validation: the forecasts from the ends
    /// of the last windows, the state run from zero over everything before each, in the
    /// training loss. Then the network runs over the whole history and keeps its state.
    mutating func fitStatefulDirect(_ series: SeriesData, maxSteps: Int) throws {
        var c = configuration
        c.maxSteps = maxSteps
        let x = series.target, l = c.window, h = c.horizon, n = x.count, f = featureCount
        let validation = try directWindows(x, series: series.name).validation
        let trainLimit = n - validation  // training windows and their targets lie before this row
        let encoder = self.encoder, g = encoder.globalScaler
        let u = encoder.features(x, series.covariates, series.timestamps, rows: 0..<n, center: g.center, scale: g.scale)
        let y = x.map { Float(($0 - g.center) / g.scale) }
        let network = makeNetwork(), loss = c.trainingLoss
        let ends = (n - h - validation + 1)...(n - h)  // the last `validation` window ends

        func validationLoss() -> Double {
            var prediction: [Float] = [], target: [Float] = []
            var carried: RecurrentState?, from = 0
            for end in ends {
                prediction += network.forward(Array(u[(from * f)..<(end * f)]), batch: 1, steps: end - from,
                                              initialState: carried, differentiable: false)
                carried = network.finalState
                from = end
                target += y[end..<(end + h)]
            }
            return Double(loss.evaluate(prediction: prediction, target: target).loss)
        }
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        report = try trainer.trainContiguous(trainingRows: trainLimit, features: u, featureCount: f, target: y, horizon: h,
                                             validationSamples: validation, validation: validationLoss, series: series.name)
        self.network = network
        trainingFinished = true
        state.report = report
        state.history = Array(x.suffix(l))
        state.covariateHistory = series.covariates.map { Array($0.suffix(l)) }
        state.timestampHistory = c.calendar.isEmpty ? nil : series.timestamps.map { Array($0.suffix(l)) }
        state.lastValue = x[n - 1]
        state.observations = n
        warmUpDirect(series)
    }

    /// Runs the network over the whole of `series` from a zero state and keeps the final
    /// state and the output there (the next forecast).
    mutating func warmUpDirect(_ series: SeriesData) {
        guard let network, !series.target.isEmpty else { return }
        let encoder = self.encoder, g = encoder.globalScaler, n = series.target.count
        let u = encoder.features(series.target, series.covariates, series.timestamps, rows: 0..<n, center: g.center, scale: g.scale)
        state.directOutput = network.forward(u, batch: 1, steps: n, differentiable: false)
        state.hidden = network.finalState.hidden
        state.cell = network.finalState.cell
    }

    /// Advances the saved state over new rows (target, covariates and timestamps of the
    /// rows only: cost proportional to their number) and keeps the output there.
    mutating func advanceDirect(_ values: [Double], covariates: [[Double]], timestamps: [Timestamp]?) {
        guard let network, !values.isEmpty else { return }
        let encoder = self.encoder, g = encoder.globalScaler
        let u = encoder.features(values, covariates, timestamps, rows: 0..<values.count, center: g.center, scale: g.scale)
        state.directOutput = network.forward(u, batch: 1, steps: values.count,
                                             initialState: RecurrentState(hidden: state.hidden, cell: state.cell, batch: 1),
                                             differentiable: false)
        state.hidden = network.finalState.hidden
        state.cell = network.finalState.cell
    }
}
