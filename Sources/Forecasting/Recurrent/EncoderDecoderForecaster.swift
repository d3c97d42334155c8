import Neural
import Support
import TimeSeries

/// Encoder-decoder forecasting: the encoder reads the window (scaled by its
/// `WindowEncoder`), its final state starts the decoder, which emits one step at a time from
/// the previous value and the calendar features of the step it forecasts.
public struct EncoderDecoderForecaster: RecurrentStrategy {
    public let configuration: RecurrentConfiguration
    /// The encoder (its head is unused) and the decoder (nil before `fit`).
    public internal(set) var network: RecurrentNetwork?
    public internal(set) var decoder: RecurrentNetwork?
    public var state = FittedState(extra: NoExtra())
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    public var training = TrainingParts()

    public static func serves(_ c: RecurrentConfiguration) -> Bool { c.mode == .encoderDecoder }

    public init(_ configuration: RecurrentConfiguration) {
        precondition(Self.serves(configuration), "EncoderDecoderForecaster: the configuration is \(configuration.modeDescription)")
        self.configuration = configuration
    }

    /// The model file holds it as one module: the encoder's recurrent layers under
    /// `encoder.`, the decoder's under `decoder.`, the decoder's head as `head.`.
    public init(configuration: RecurrentConfiguration, state: FittedState<NoExtra>, tensors: [String: SafeTensors.Tensor],
                source: String) throws {
        self.init(configuration)
        let c = configuration
        try state.series.validate(c)
        let network = c.makeNetwork(), decoder = Self.makeDecoder(c)
        var encoderTensors = network.namedTensors.filter { $0.key.hasPrefix("head.") }  // unused head, as made
        var decoderTensors: [String: SafeTensors.Tensor] = [:]
        for (name, tensor) in tensors {
            if name.hasPrefix("encoder.") { encoderTensors["rnn." + name.dropFirst(8)] = tensor }
            if name.hasPrefix("decoder.") { decoderTensors["rnn." + name.dropFirst(8)] = tensor }
            if name.hasPrefix("head.") { decoderTensors[name] = tensor }
        }
        try network.load(encoderTensors, source: source)
        try decoder.load(decoderTensors, source: source)
        self.network = network
        self.decoder = decoder
        self.state = state
    }

    public var networks: [RecurrentNetwork] {
        get { [network, decoder].compactMap { $0 } }
        set { (network, decoder) = newValue.count == 2 ? (newValue[0], newValue[1]) : (nil, nil) }
    }

    public func tensors() throws -> [String: SafeTensors.Tensor] {
        guard let network, let decoder else { throw ForecastingError.notFitted(model: name) }
        var tensors: [String: SafeTensors.Tensor] = [:]
        for (name, tensor) in network.namedTensors where name.hasPrefix("rnn.") { tensors["encoder." + name.dropFirst(4)] = tensor }
        for (name, tensor) in decoder.namedTensors {
            tensors[name.hasPrefix("rnn.") ? "decoder." + name.dropFirst(4) : name] = tensor
        }
        return tensors
    }

    public mutating func condition(on series: SeriesData) throws {
        try state.series.take(series, configuration)
    }

    /// Takes new observations after the history: the input window slides over them.
    public mutating func update(with rows: SeriesData) throws {
        try requireFitted()
        guard !rows.target.isEmpty else { return }
        state.series.append(try state.series.checkedNewRows(rows, configuration), configuration)
    }

    /// Decoder inputs per step: the previous value, the calendar and the future covariates of
    /// the step forecast.
    static func decoderFeatureCount(_ c: RecurrentConfiguration) -> Int { 1 + 2 * c.calendar.count + c.futureCovariates.count }
    var decoderFeatureCount: Int { Self.decoderFeatureCount(configuration) }

    static func makeDecoder(_ c: RecurrentConfiguration) -> RecurrentNetwork {
        let decoder = RecurrentNetwork(
            NetworkConfiguration(cell: c.cell, inputSize: decoderFeatureCount(c), hiddenSize: c.hiddenSize, layers: c.layers,
                                 outputSize: 1, outputMode: .everyStep, dropout: c.dropout),
            seed: c.seed &+ 1)
        decoder.setTensor("head.weight", Array(repeating: 0, count: c.hiddenSize))
        decoder.setTensor("head.bias", [0])
        return decoder
    }

    /// Decoder inputs for steps 1...H after `end`: the previous scaled value (the window's
    /// last at step 1; `previous[h - 1]` after), the calendar of the forecast step and each
    /// future covariate's value there (`future[k]` from the first step on, scaled here).
    func decoderInputs(previous: [Float], timestamps: [Timestamp]?, frequency: Frequency, end: Int, future: [[Double]]) -> [Float] {
        let h = configuration.horizon, f = decoderFeatureCount, calendar = configuration.calendar
        var input = [Float](repeating: 0, count: h * f)
        let last = timestamps.map { $0[end - 1] }
        let scalers = state.series.futureScalers
        for step in 0..<h {
            input[step * f] = previous[step]
            if let last {
                let t = frequency.advance(last, by: step + 1)
                for (k, feature) in calendar.enumerated() {
                    let (sine, cosine) = feature.values(t)
                    input[step * f + 1 + 2 * k] = Float(sine)
                    input[step * f + 2 + 2 * k] = Float(cosine)
                }
            }
            for (k, column) in future.enumerated() {
                input[step * f + 1 + 2 * calendar.count + k] = Float(scalers[k].transform(column[step]))
            }
        }
        return input
    }

    /// The future covariates' values of the H steps after `end` in `series`.
    func futureValues(_ series: SeriesData, end: Int) -> [[Double]] {
        series.futureCovariates.map { Array($0[end..<(end + configuration.horizon)]) }
    }

    /// One sample: encoder input, scaling, and the scaled targets.
    func encoderDecoderSample(_ series: SeriesData, end: Int) -> (input: [Float], scaling: WindowScaling, target: [Float]) {
        let (input, scaling) = encoder.encode(series, end: end)
        let target = (0..<configuration.horizon).map { Float((series.target[end + $0] - scaling.center) / scaling.scale) }
        return (input, scaling, target)
    }

    /// Fits with the configured scaling; `steps` and `start` as for `DirectForecaster`.
    public mutating func fit(_ series: SeriesData, steps: Int?, start: TrainingStart) throws {
        let (windows, validation) = try configuration.directWindows(series.target, series: series.name)
        let c = try beginFit(series, steps: steps)
        let l = c.window
        let fitted = network != nil && decoder != nil
        let resume = start == .resume && fitted
        if start == .fresh || !fitted {
            network = c.makeNetwork()
            decoder = Self.makeDecoder(c)
        }
        self.encoder = .fitted(c, to: series)
        let f = c.featureCount
        var samples = windows.starts.map { start -> EncoderDecoderSample in
            let end = start + l
            let (input, _, target) = encoderDecoderSample(series, end: end)
            let future = futureValues(series, end: end)
            // Teacher forcing: step h of the decoder sees the true value of step h - 1.
            let teacher = decoderInputs(previous: [input[(l - 1) * f]] + target.dropLast(), timestamps: series.timestamps,
                                        frequency: series.frequency, end: end, future: future)
            let free = decoderInputs(previous: Array(repeating: 0, count: c.horizon), timestamps: series.timestamps,
                                     frequency: series.frequency, end: end, future: future)
            return EncoderDecoderSample(encoder: input, teacher: teacher, free: free, target: target,
                                        observed: series.observed.map { _ in (0..<c.horizon).map { series.isObserved(end + $0) } })
        }
        var held = validation
        if series.observed != nil {  // windows whose targets were all filled train and validate nothing
            let trainPart = samples.dropLast(validation).filter { $0.observed?.contains(true) ?? true }
            let validationPart = samples.suffix(validation).filter { $0.observed?.contains(true) ?? true }
            samples = trainPart + validationPart
            held = validationPart.count
        }
        report = try train(samples, validation: held, series: series, configuration: c, resuming: resume)
        try state.series.take(series, c)
    }

    /// Runs encoder and decoder on one window, feeding each forecast back: scaled outputs.
    func decode(encoderInput: [Float], calendar: [Float], batch: Int) -> [Float] {
        guard let network, let decoder else { return [] }
        let c = configuration, f = decoderFeatureCount, h = c.horizon
        _ = network.forward(encoderInput, batch: batch, steps: c.window, differentiable: false)
        var recurrent = network.finalState
        var previous = (0..<batch).map { b in encoderInput[(b * c.window + c.window - 1) * c.featureCount] }
        var outputs = [Float](repeating: 0, count: batch * h)
        for step in 0..<h {
            var input = [Float](repeating: 0, count: batch * f)
            for b in 0..<batch {
                input[b * f] = previous[b]
                for k in 1..<f { input[b * f + k] = calendar[(b * h + step) * f + k] }
            }
            let out = decoder.forward(input, batch: batch, steps: 1, initialState: recurrent, differentiable: false)
            recurrent = decoder.finalState
            for b in 0..<batch { outputs[b * h + step] = out[b] }
            previous = out
        }
        return outputs
    }

    public func predict(horizon: Int, future: FutureInputs) throws -> Forecast {
        let c = configuration
        guard network != nil, decoder != nil else { throw ForecastingError.notFitted(model: name) }
        guard horizon <= c.horizon else {
            throw ForecastingError.invalidConfiguration("the encoder-decoder forecasts \(c.horizon) steps; \(horizon) were asked")
        }
        try c.checkFuture(future)
        let rows = state.series.rows, count = rows.target.count
        let (input, scaling) = encoder.encode(rows, end: count)
        let calendar = decoderInputs(previous: Array(repeating: 0, count: c.horizon), timestamps: rows.timestamps,
                                     frequency: Frequency(code: state.frequencyCode) ?? .index, end: count, future: future.covariates)
        let z = decode(encoderInput: input, calendar: calendar, batch: 1)
        return Forecast(point: (0..<horizon).map { scaling.center + scaling.scale * Double(z[$0]) })
    }

    /// Mean absolute error, in the series' units, of the free-running forecasts for the
    /// validation windows.
    public func validationError(_ series: SeriesData) -> Double {
        let c = configuration, l = c.window, x = series.target
        guard network != nil, let samples = try? c.directWindows(x, series: series.name).windows.count else { return .infinity }
        var total = 0.0, count = 0
        for sample in (samples - report.validationSamples)..<samples {
            let (input, scaling, _) = encoderDecoderSample(series, end: sample + l)
            let calendar = decoderInputs(previous: Array(repeating: 0, count: c.horizon), timestamps: series.timestamps,
                                         frequency: series.frequency, end: sample + l, future: futureValues(series, end: sample + l))
            let z = decode(encoderInput: input, calendar: calendar, batch: 1)
            for h in 0..<c.horizon where series.isObserved(sample + l + h) {
                total += abs(x[sample + l + h] - (scaling.center + scaling.scale * Double(z[h])))
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : .infinity
    }
}

struct EncoderDecoderSample {
    var encoder: [Float]
    /// The decoder's inputs in training (the true previous values) and free-running (zeros
    /// where the previous forecast goes in: validation).
    var teacher: [Float]
    var free: [Float]
    var target: [Float]
    /// Which targets were observed (nil: all).
    var observed: [Bool]?
}

extension EncoderDecoderForecaster {
    /// Trains encoder and decoder together through `Trainer.run` (one optimizer each, the
    /// gradients of both clipped as one): the decoder's gradient with respect to its
    /// initial state flows into the encoder's final state. Early stopping on the free-running
    /// (forecasts fed back) validation loss in the training loss, best weights of both restored.
    mutating func train(_ samples: [EncoderDecoderSample], validation: Int, series: SeriesData,
                        configuration c: RecurrentConfiguration, resuming: Bool) throws -> TrainingReport {
        guard let encoder = network, let decoder else { throw ForecastingError.notFitted(model: name) }
        let l = c.window, h = c.horizon, count = samples.count
        let trainCount = count - validation
        let loss = c.trainingLoss

        func validationLoss() -> Double {
            var total = 0.0
            for i in trainCount..<count {
                let z = decode(encoderInput: samples[i].encoder, calendar: samples[i].free, batch: 1)
                total += Double(loss.evaluate(prediction: z, target: samples[i].target, observed: samples[i].observed).loss)
            }
            return total / Double(validation)
        }
        var trainer = Trainer(configuration: c, networks: [encoder, decoder], progress: progress)
        defer { training.record(trainer, resumed: resuming) }
        return try trainer.run(.shuffled(samples: trainCount),
                               report: TrainingReport(trainingSamples: trainCount, validationSamples: validation),
                               resuming: resuming ? report : nil, validation: validationLoss) { batch in
            let b = batch.count
            var ex: [Float] = [], dx: [Float] = [], y: [Float] = []
            let masked = batch.contains { samples[$0].observed != nil }
            var observed: [Bool]? = masked ? [] : nil
            for i in batch {
                ex += samples[i].encoder
                dx += samples[i].teacher
                y += samples[i].target
                if masked { observed! += samples[i].observed ?? Array(repeating: true, count: h) }
            }
            _ = encoder.forward(ex, batch: b, steps: l, training: true)
            let prediction = decoder.forward(dx, batch: b, steps: h, initialState: encoder.finalState, training: true)
            let (value, gradient) = loss.evaluate(prediction: prediction, target: y, observed: observed)
            guard value.isFinite else { return (value, Double(b)) }
            decoder.backward(gradient)
            // The encoder's head is unused: only its final state reaches the loss.
            encoder.backward(Array(repeating: 0, count: b * encoder.configuration.outputSize),
                             finalStateGradient: decoder.initialStateGradient)
            return (value, Double(b))
        }
    }
}
