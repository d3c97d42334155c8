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
        let u = sequenceValues(x)
        let network = (start == .fresh ? nil : self.network) ?? c.makeNetwork()
        let resuming = start == .resume && self.network != nil
        let earlier = resuming ? report : nil
        var trainer = Trainer(configuration: c, network: network, progress: progress)
        if c.stateful {
            report = try trainer.trainStateful(u, resuming: earlier)
        } else {
            let windows = try Windows(.manyToMany(length: l), seriesLength: u.count, series: series.name)
            report = try trainer.train(samples: windows.count, resuming: earlier) { k in
                let s = windows.starts[k]
                return (Array(u[s..<(s + l)]), Array(u[(s + 1)...(s + l)]))
            }
        }
        self.network = network
        training.record(trainer, resumed: resuming)
        try state.series.take(series, c, rows: l + 1)
        warmUp(x)
    }

    /// Sets the state and next output from a history: a stateful model runs over all of
    /// it from a zero state, as in training; otherwise over its last L values.
    mutating func warmUp(_ x: [Double]) {
        guard let network else { return }
        var u = sequenceValues(x)
        if !configuration.stateful { u = Array(u.suffix(configuration.window)) }
        guard !u.isEmpty else { return }
        let output = network.forward(u, batch: 1, steps: u.count, differentiable: false)
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
        try state.series.take(series, configuration, rows: configuration.window + 1)
        warmUp(series.target)
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
        var recurrent = RecurrentState(hidden: hidden, cell: cell, batch: paths)
        var means = [Float](repeating: saved.nextOutput, count: paths)
        var scales = [Float](repeating: saved.nextScale, count: paths)
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
            if step + 1 < horizon {
                let output = network.forward(drawn, batch: paths, steps: 1, initialState: recurrent, differentiable: false)
                recurrent = network.finalState
                means = (0..<paths).map { output[$0 * q] }
                if q > 1 { scales = (0..<paths).map { output[$0 * q + 1] } }
            }
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
            probe.state.series.lastValue = x[origin - 1]
            probe.warmUp(Array(x[0..<origin]))
            guard let forecast = try? probe.predict(horizon: h, future: .none) else { continue }
            for step in 0..<h {
                total += abs(x[origin + step] - forecast.point[step])
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : .infinity
    }

    /// Takes new observations after the history (NaN: carry the last value). A stateful
    /// model advances its saved state over the new rows only (cost proportional to their
    /// number); otherwise the state is warmed again over the last L values.
    public mutating func update(with rows: SeriesData) throws {
        guard let network else { throw ForecastingError.notFitted(model: name) }
        guard !rows.target.isEmpty else { return }
        guard rows.covariates.isEmpty else {
            throw ForecastingError.invalidConfiguration(
                "the model has 0 covariate(s); the new rows have \(rows.covariates.count) with \(rows.target.count) values each expected")
        }
        let c = configuration
        let filled = Frame.forwardFilled(rows.target, after: state.series.lastValue)
        if c.stateful {
            let u = sequenceValues([state.series.lastValue] + filled)
            let inputs = c.normalization == .differences ? u : Array(u.dropFirst())
            let output = network.forward(inputs, batch: 1, steps: inputs.count, initialState: state.extra.recurrent.initial,
                                         differentiable: false)
            state.extra.recurrent = SavedRecurrentState(network.finalState)
            setNextOutputs(output)
        }
        state.series.append(filled, covariates: [], timestamps: nil, c, kept: c.window + 1)
        if !c.stateful { warmUp(state.series.history) }
    }
}
