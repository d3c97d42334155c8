import Neural
import Support
import TimeSeries

/// Many-to-many forecasting: teacher-forced training on the next value at every step,
/// recursive forecasts, and (stateful) a hidden state kept after the history and advanced
/// by new observations.
extension RecurrentForecaster {
    /// The series as the network sees it: scaled levels, or scaled first differences
    /// (then value i stands for x[i + 1] - x[i]).
    func sequenceValues(_ x: [Double], scaler: Scaler) -> [Float] {
        switch configuration.normalization {
        case .differences: (1..<max(x.count, 1)).map { Float(scaler.transform(x[$0] - x[$0 - 1])) }
        default: x.map { Float(scaler.transform($0)) }
        }
    }

    mutating func fitSequence(_ series: SeriesData) throws {
        let c = configuration, l = c.window, x = series.target
        guard c.covariates.isEmpty, c.quantiles.isEmpty, c.calendar.isEmpty else {
            throw ForecastingError.invalidConfiguration(
                "many-to-many forecasts feed predictions back, so they take no covariates, calendar features or quantile head; use --mode many-to-one")
        }
        let needed = l + 3
        guard x.count >= needed else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: needed,
                                            reason: "for training sequences of \(l) steps")
        }
        let raw = c.normalization == .differences ? (1..<x.count).map { x[$0] - x[$0 - 1] } : x
        state.sequenceScaler = Scaler.fit(.standard, to: raw)
        let u = sequenceValues(x, scaler: state.sequenceScaler)
        let network = makeNetwork()
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        if c.stateful {
            report = try trainer.trainStateful(u)
        } else {
            report = try trainer.train(samples: u.count - l) { s in
                (Array(u[s..<(s + l)]), Array(u[(s + 1)...(s + l)]))
            }
        }
        self.network = network
        state.report = report
        state.history = Array(x.suffix(l + 1))
        state.lastValue = x[x.count - 1]
        state.observations = x.count
        warmUp(x)
    }

    /// Sets the state and next output from a history: a stateful model runs over all of
    /// it from a zero state, as in training; otherwise over its last L values.
    mutating func warmUp(_ x: [Double]) {
        guard let network else { return }
        var u = sequenceValues(x, scaler: state.sequenceScaler)
        if !configuration.stateful { u = Array(u.suffix(configuration.window)) }
        guard !u.isEmpty else { return }
        let output = network.forward(u, batch: 1, steps: u.count, differentiable: false)
        let final = network.finalState
        state.hidden = final.hidden
        state.cell = final.cell
        setNextOutputs(output)
    }

    /// Keeps the last step's outputs (mean, and a Gaussian head's raw scale).
    mutating func setNextOutputs(_ output: [Float]) {
        let q = outputsPerStep, last = output.count / q - 1
        state.nextOutput = output[last * q]
        state.nextScale = q > 1 ? output[last * q + 1] : 0
    }

    func predictSequence(network: RecurrentNetwork, horizon: Int) throws -> Forecast {
        // A Gaussian head runs its sample paths as one batch: each path feeds its own draws back.
        let paths = configuration.gaussian ? configuration.samples : 1
        let q = outputsPerStep
        var hidden: [Float] = [], cell: [Float]? = state.cell == nil ? nil : []
        let h = configuration.hiddenSize
        for layer in 0..<configuration.layers {
            for _ in 0..<paths {
                hidden += state.hidden[(layer * h)..<((layer + 1) * h)]
                if let c = state.cell { cell! += c[(layer * h)..<((layer + 1) * h)] }
            }
        }
        var recurrent = RecurrentState(hidden: hidden, cell: cell, batch: paths)
        var means = [Float](repeating: state.nextOutput, count: paths)
        var scales = [Float](repeating: state.nextScale, count: paths)
        var generator = SplitMix64(seed: configuration.seed ^ 0x9A7_45)
        var levels = [Double](repeating: state.lastValue, count: paths)
        var values = [[Double]](repeating: [], count: paths)
        for step in 0..<horizon {
            var drawn = means
            if configuration.gaussian {
                for p in 0..<paths {
                    drawn[p] = means[p] + Float((Loss.softplus(Double(scales[p])) + 1e-6).squareRoot() * generator.nextNormal())
                }
            }
            for p in 0..<paths {
                let value = state.sequenceScaler.inverse(Double(drawn[p]))
                if configuration.normalization == .differences {
                    levels[p] += value
                    values[p].append(levels[p])
                } else {
                    values[p].append(value)
                }
            }
            if step + 1 < horizon {
                let output = network.forward(drawn, batch: paths, steps: 1, initialState: recurrent, differentiable: false)
                recurrent = network.finalState
                means = (0..<paths).map { output[$0 * q] }
                if q > 1 { scales = (0..<paths).map { output[$0 * q + 1] } }
            }
        }
        return configuration.gaussian ? Forecast(summarizing: values) : Forecast(point: values[0])
    }

    /// Mean absolute error, in the series' units, of recursive H-step forecasts from up
    /// to 10 origins in the last 10% of the series.
    func sequenceValidationError(_ series: SeriesData) -> Double {
        guard let network else { return .infinity }
        let x = series.target, h = configuration.horizon
        let first = max(configuration.window + 2, x.count - max(Int(0.1 * Double(x.count)), h))
        var total = 0.0, count = 0
        for origin in stride(from: first, through: x.count - h, by: max(h, (x.count - h - first) / 10 + 1)) {
            var probe = self
            probe.state.lastValue = x[origin - 1]
            probe.warmUp(Array(x[0..<origin]))
            guard let forecast = try? probe.predictSequence(network: network, horizon: h) else { continue }
            for step in 0..<h {
                total += abs(x[origin + step] - forecast.point[step])
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : .infinity
    }

    /// Takes new observations after the history (NaN: carry the last value), with the
    /// covariates' values of the same rows (one array per covariate, NaN: carry) and their
    /// timestamps when the model uses calendar features. A stateful model advances its
    /// saved state over the new rows only (cost proportional to their number); other models
    /// slide their input window.
    public mutating func update(with values: [Double], covariates: [[Double]] = [], timestamps: [Timestamp]? = nil) throws {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard !values.isEmpty else { return }
        guard state.seriesHistories.isEmpty else {
            throw ForecastingError.invalidConfiguration("a global model updates one series at a time: forecaster(forSeries:) first")
        }
        let c = configuration, l = c.window
        guard state.covariateHistory.count == c.covariates.count, covariates.count == c.covariates.count, covariates.allSatisfy({ $0.count == values.count }) else {
            throw ForecastingError.invalidConfiguration(
                "the model has \(c.covariates.count) covariate(s); the new rows have \(covariates.count) with \(values.count) values each expected")
        }
        for i in members.indices { try members[i].update(with: values, covariates: covariates, timestamps: timestamps) }
        if !c.calendar.isEmpty {
            guard let timestamps, timestamps.count == values.count else {
                throw ForecastingError.invalidConfiguration("the model uses calendar features: new rows need timestamps")
            }
            state.timestampHistory = Array(((state.timestampHistory ?? []) + timestamps).suffix(l))
        }
        let filled = Frame.forwardFilled(values, after: state.lastValue)
        let filledCovariates = covariates.enumerated().map { k, column in
            Frame.forwardFilled(column, after: state.covariateHistory[k].last ?? 0)
        }
        switch c.strategy {
        case .statefulSequence:
            let u = sequenceValues([state.lastValue] + filled, scaler: state.sequenceScaler)
            let inputs = c.normalization == .differences ? u : Array(u.dropFirst())
            let output = network.forward(inputs, batch: 1, steps: inputs.count,
                                         initialState: RecurrentState(hidden: state.hidden, cell: state.cell, batch: 1),
                                         differentiable: false)
            let final = network.finalState
            state.hidden = final.hidden
            state.cell = final.cell
            setNextOutputs(output)
        case .statefulDirect: advanceDirect(filled, covariates: filledCovariates, timestamps: timestamps)
        case .direct, .sequence, .encoderDecoder: break  // they slide their window (below)
        }
        state.history = Array((state.history + filled).suffix(c.mode == .manyToMany ? l + 1 : l))
        for k in state.covariateHistory.indices {
            state.covariateHistory[k] = Array((state.covariateHistory[k] + filledCovariates[k]).suffix(l))
        }
        state.lastValue = filled[filled.count - 1]
        state.observations += filled.count
        if c.strategy == .sequence { warmUp(state.history) }
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
