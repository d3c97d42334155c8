import Neural
import Support
import TimeSeries

/// Many-to-many forecasting: teacher-forced training on the next value at every step,
/// recursive forecasts, and a hidden state after the history (stateful: kept and advanced
/// by new observations; otherwise run over the last L values).
public struct SequenceForecaster: SingleNetworkStrategy {
    public let configuration: RecurrentConfiguration
    public internal(set) var network: RecurrentNetwork?
    /// What a many-to-many model keeps of its own (its rows, `state.series.history`, are the
    /// last L + 1 values: L first differences).
    public struct Extra: Sendable, Codable, Equatable {
        /// The scaled series' scaler (levels or first differences).
        public var sequenceScaler = Scaler(kind: .identity, center: 0, scale: 1)
        /// The hidden (and cell) state after the history, and the network's output there
        /// (the scaled forecast of the next step) with a Gaussian head's raw scale output.
        public var hidden: [Float] = []
        public var cell: [Float]?
        public var nextOutput: Float = 0
        public var nextScale: Float = 0

        var recurrent: SavedRecurrentState {
            get { SavedRecurrentState(hidden: hidden, cell: cell) }
            set { (hidden, cell) = (newValue.hidden, newValue.cell) }
        }
    }
    public var state = FittedState(extra: Extra())
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    public var training = TrainingParts()

    public static func serves(_ c: RecurrentConfiguration) -> Bool { c.mode == .manyToMany }

    public init(_ configuration: RecurrentConfiguration) {
        precondition(Self.serves(configuration), "SequenceForecaster: the configuration is \(configuration.modeDescription)")
        self.configuration = configuration
    }

    public init(configuration: RecurrentConfiguration, state: FittedState<Extra>, tensors: [String: SafeTensors.Tensor],
                source: String) throws {
        self.init(configuration)
        let c = configuration
        try state.series.validate(c, needed: 1)
        try FittedStateCheck.scaler("the sequence scaler", state.extra.sequenceScaler)
        guard state.extra.nextOutput.isFinite, state.extra.nextScale.isFinite else {
            throw FittedStateCheck.bad("the next output or scale is not finite")
        }
        try state.extra.recurrent.validate(c)
        try load(state, tensors: tensors, source: source)
    }

    /// The series as the network sees it: scaled levels, or scaled first differences
    /// (then value i stands for x[i + 1] - x[i]).
    func sequenceValues(_ x: [Double]) -> [Float] {
        let scaler = state.extra.sequenceScaler
        return switch configuration.normalization {
        case .differences: (1..<max(x.count, 1)).map { Float(scaler.transform(x[$0] - x[$0 - 1])) }
        default: x.map { Float(scaler.transform($0)) }
        }
    }

    /// The row of the series that sequence value i stands for (its later row for a difference).
    func row(ofValue i: Int) -> Int { configuration.normalization == .differences ? i + 1 : i }

    /// The network inputs of sequence values `values` of `s`: each value, and with future
    /// covariates the values they have at the step its output forecasts (the next row), each
    /// by its scaler ([values, F] row-major). Without them, the values themselves.
    func features(_ s: SeriesData, _ u: [Float], values: Range<Int>, scalers: [Scaler]) -> [Float] {
        guard !configuration.futureCovariates.isEmpty else { return Array(u[values]) }
        let f = configuration.featureCount
        var out = [Float](repeating: 0, count: values.count * f)
        for (t, i) in values.enumerated() {
            out[t * f] = u[i]
            let next = row(ofValue: i + 1)
            for (k, column) in s.futureCovariates.enumerated() { out[t * f + 1 + k] = Float(scalers[k].transform(column[next])) }
        }
        return out
    }

    /// Whether sequence value i (a target) was observed: its row, and for a difference the row before too.
    func observedValues(_ s: SeriesData, count: Int) -> [Bool]? {
        guard s.observed != nil else { return nil }
        return (0..<count).map { i in
            configuration.normalization == .differences ? s.isObserved(i + 1) && s.isObserved(i) : s.isObserved(i)
        }
    }

    /// Fits with the configured scaling; `steps` and `start` as for `DirectForecaster`.
    public mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        let l = configuration.window, x = series.target
        try RuleBook.check(RuleBook.Choices(configuration))
        let needed = l + 3
        guard x.count >= needed else {
            throw ForecastingError.tooShort(series: series.name, length: x.count, needed: needed,
                                            reason: "for training sequences of \(l) steps")
        }
        let c = try beginFit(series, steps: steps)
        let raw = c.normalization == .differences ? (1..<x.count).map { x[$0] - x[$0 - 1] } : x
        state.extra.sequenceScaler = Scaler.fit(.standard, to: raw)
        state.series.futureScalers = series.futureCovariates.map { Scaler.fit(.standard, to: $0) }
        let u = sequenceValues(x), f = c.featureCount
        // Inputs are every value but the last (whose target is beyond the series).
        let inputs = features(series, u, values: 0..<(u.count - 1), scalers: state.series.futureScalers)
        let observed = observedValues(series, count: u.count)
        let network = (start == .fresh ? nil : self.network) ?? c.makeNetwork()
        let resuming = start == .resume && self.network != nil
        let earlier = resuming ? report : nil
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        if c.stateful {
            report = try trainer.trainStateful(inputs, featureCount: f, targets: u, observed: observed, resuming: earlier)
        } else {
            let windows = try Windows(.manyToMany(length: l), seriesLength: u.count, series: series.name)
            report = try trainer.train(samples: windows.count, resuming: earlier) { k in
                let s = windows.starts[k]
                return TrainingSample(input: Array(inputs[(s * f)..<((s + l) * f)]), target: Array(u[(s + 1)...(s + l)]),
                                      observed: observed.map { Array($0[(s + 1)...(s + l)]) })
            }
        }
        self.network = network
        training.record(trainer, resumed: resuming)
        let scalers = state.series.futureScalers
        try state.series.take(series, c, rows: l + 1)
        state.series.futureScalers = scalers
        warmUp(series)
    }

    /// Sets the state and next output from a history: a stateful model runs over all of
    /// it from a zero state, as in training; otherwise over its last L values. With future
    /// covariates the last value is left for `predict`, which feeds it with the first
    /// forecast step's known values.
    mutating func warmUp(_ s: SeriesData) {
        guard let network else { return }
        let c = configuration, u = sequenceValues(s.target)
        let held = c.futureCovariates.isEmpty ? 0 : 1
        let count = c.stateful ? u.count : min(u.count, c.window)
        let range = (u.count - count)..<(u.count - held)
        guard !range.isEmpty else { return }
        let output = network.forward(features(s, u, values: range, scalers: state.series.futureScalers), batch: 1,
                                     steps: range.count, differentiable: false)
        state.extra.recurrent = SavedRecurrentState(network.finalState)
        setNextOutputs(output)
    }

    /// Keeps the last step's outputs (mean, and a Gaussian head's raw scale).
    mutating func setNextOutputs(_ output: [Float]) {
        let q = configuration.outputsPerStep, last = output.count / q - 1
        state.extra.nextOutput = output[last * q]
        state.extra.nextScale = q > 1 ? output[last * q + 1] : 0
    }

    /// Forecasts from the end of `series` (no retraining): the state is warmed over it.
    public mutating func condition(on series: SeriesData) throws {
        let scalers = state.series.futureScalers
        try state.series.take(series, configuration, rows: configuration.window + 1)
        state.series.futureScalers = scalers
        warmUp(series)
    }

    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        let c = configuration
        // A Gaussian head runs its sample paths as one batch: each path feeds its own draws back.
        let paths = c.gaussian ? c.samples : 1
        let q = c.outputsPerStep
        let saved = state.extra
        var hidden: [Float] = [], cell: [Float]? = saved.cell == nil ? nil : []
        let h = c.hiddenSize
        for layer in 0..<c.layers {
            for _ in 0..<paths {
                hidden += saved.hidden[(layer * h)..<((layer + 1) * h)]
                if let savedCell = saved.cell { cell! += savedCell[(layer * h)..<((layer + 1) * h)] }
            }
        }
        try c.checkFuture(future)
        var recurrent = RecurrentState(hidden: hidden, cell: cell, batch: paths)
        var means = [Float](repeating: saved.nextOutput, count: paths)
        var scales = [Float](repeating: saved.nextScale, count: paths)
        /// The inputs of one step for every path: each path's value, and the future covariates
        /// of step `step` (0-based) when the model has them.
        func stepInputs(_ values: [Float], step: Int) -> [Float] {
            guard !c.futureCovariates.isEmpty else { return values }
            let known = future.covariates.enumerated().map { k, column in Float(state.series.futureScalers[k].transform(column[step])) }
            return values.flatMap { [$0] + known }
        }
        func forward(_ values: [Float], step: Int) {
            let output = network.forward(stepInputs(values, step: step), batch: paths, steps: 1, initialState: recurrent,
                                         differentiable: false)
            recurrent = network.finalState
            means = (0..<paths).map { output[$0 * q] }
            if q > 1 { scales = (0..<paths).map { output[$0 * q + 1] } }
        }
        if !c.futureCovariates.isEmpty {
            // The last value, held back by `warmUp`, with the first step's known values.
            forward(Array(repeating: sequenceValues(state.series.history).last ?? 0, count: paths), step: 0)
        }
        var generator = SplitMix64(seed: c.seed ^ 0x9A7_45)
        var levels = [Double](repeating: state.series.lastValue, count: paths)
        var values = [[Double]](repeating: [], count: paths)
        for step in 0..<horizon {
            var drawn = means
            if c.gaussian {
                for p in 0..<paths {
                    drawn[p] = means[p] + Float((Loss.softplus(Double(scales[p])) + 1e-6).squareRoot() * generator.nextNormal())
                }
            }
            for p in 0..<paths {
                let value = saved.sequenceScaler.inverse(Double(drawn[p]))
                if c.normalization == .differences {
                    levels[p] += value
                    values[p].append(levels[p])
                } else {
                    values[p].append(value)
                }
            }
            if step + 1 < horizon { forward(drawn, step: step + 1) }
        }
        return c.gaussian ? Forecast(summarizing: values) : Forecast(point: values[0])
    }

    /// Mean absolute error, in the series' units, of recursive H-step forecasts from up
    /// to 10 origins in the last 10% of the series.
    public func validationError(_ series: SeriesData) -> Double {
        let x = series.target, h = configuration.horizon
        let first = max(configuration.window + 2, x.count - max(Int(0.1 * Double(x.count)), h))
        var total = 0.0, count = 0
        for origin in stride(from: first, through: x.count - h, by: max(h, (x.count - h - first) / 10 + 1)) {
            var probe = self
            let before = series.prefix(origin)
            probe.state.series.lastValue = x[origin - 1]
            probe.state.series.history = Array(before.target.suffix(configuration.window + 1))
            probe.warmUp(before)
            let future = FutureInputs(covariates: series.futureCovariates.map { Array($0[origin..<(origin + h)]) })
            guard let forecast = try? probe.predict(horizon: h, future: future) else { continue }
            for step in 0..<h where series.isObserved(origin + step) {
                total += abs(x[origin + step] - forecast.point[step])
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : .infinity
    }

    /// Takes new observations after the history (NaN: carry the last value), with their
    /// future covariates' values. A stateful model advances its saved state over the new rows
    /// only (cost proportional to their number); otherwise the state is warmed again over the
    /// last L values.
    public mutating func update(with rows: SeriesData) throws {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard !rows.target.isEmpty else { return }
        let c = configuration
        let checked = try state.series.checkedNewRows(rows, c)
        let filled = checked.target
        if c.stateful {
            let u = sequenceValues([state.series.lastValue] + filled)
            var values = c.normalization == .differences ? u : Array(u.dropFirst())
            if !c.futureCovariates.isEmpty {
                // The held-back last value goes in now with the first new row's known values,
                // and the new rows' last value is held back in turn.
                values = [sequenceValues(state.series.history).last ?? 0] + values.dropLast()
                let f = c.featureCount
                var inputs = [Float](repeating: 0, count: values.count * f)
                for (t, value) in values.enumerated() {
                    inputs[t * f] = value
                    for (k, column) in checked.futureCovariates.enumerated() {
                        inputs[t * f + 1 + k] = Float(state.series.futureScalers[k].transform(column[t]))
                    }
                }
                _ = network.forward(inputs, batch: 1, steps: values.count, initialState: state.extra.recurrent.initial,
                                    differentiable: false)
                state.extra.recurrent = SavedRecurrentState(network.finalState)
            } else {
                let output = network.forward(values, batch: 1, steps: values.count, initialState: state.extra.recurrent.initial,
                                             differentiable: false)
                state.extra.recurrent = SavedRecurrentState(network.finalState)
                setNextOutputs(output)
            }
        }
        state.series.append(checked, c, kept: c.window + 1)
        if !c.stateful { warmUp(state.series.rows) }
    }
}
