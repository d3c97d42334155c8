import Support

/// Stacked recurrent layers and a dense head over one flat parameter buffer, with the
/// caches of the last forward pass for the backward pass.
///
/// Tensors are named as in a PyTorch module with `self.rnn = nn.GRU(...)` (or LSTM, RNN)
/// and `self.head = nn.Linear(...)`: `rnn.weight_ih_l0`, ..., `head.weight`, `head.bias`.
/// Inputs and outputs are batch-first ([B, T, F] in, [B, O] or [B, T, O] out); inside,
/// sequences are time-major so each step's rows are contiguous for the per-step GEMM.
///
/// A class: it owns its buffers, and a forward pass leaves caches the backward pass reads.
public final class RecurrentNetwork {
    public let configuration: NetworkConfiguration
    public let layout: ParameterLayout
    /// All parameters, at the offsets of `layout`.
    public let parameters: AlignedBuffer
    /// dLoss/dparameters, same offsets; `backward` adds into it.
    public let gradients: AlignedBuffer
    let layers: [RecurrentLayer]
    let head: Dense
    let caches: [RecurrentLayerCache]
    /// Drop masks for dropout between layers, scaled by 1/(1-p); mask l feeds layer l+1.
    private var dropMasks: [AlignedBuffer] = []
    private var droppedInputs: [AlignedBuffer] = []
    private var input = AlignedBuffer(count: 0)       // [T*B, F] time-major
    private var headOutput = AlignedBuffer(count: 0)  // [rows, O]
    private var dHead = AlignedBuffer(count: 0)       // [T*B, H] gradient into the last layer's outputs
    private var headInput = AlignedBuffer(count: 0)   // [B, H + E]: the last state beside the head inputs
    private var dHeadInput = AlignedBuffer(count: 0)  // [B, H + E]
    private var lastSteps = 0, lastBatch = 0, lastTraining = false, lastDifferentiable = false
    private var dropoutGenerator: SplitMix64

    /// A network with weights drawn from `seed` by `initialization`.
    public init(_ configuration: NetworkConfiguration, initialization: Initialization = Initialization(),
                seed: UInt64 = 0) {
        _ = GEMM.configured
        self.configuration = configuration
        var layout = ParameterLayout()
        var layers: [RecurrentLayer] = []
        for l in 0..<configuration.layers {
            layers.append(RecurrentLayer(cell: configuration.cell,
                                         inputSize: l == 0 ? configuration.inputSize : configuration.hiddenSize,
                                         hiddenSize: configuration.hiddenSize, index: l, prefix: "rnn.",
                                         layout: &layout))
        }
        head = Dense(inputSize: configuration.hiddenSize + configuration.headInputs, outputSize: configuration.outputSize,
                     prefix: "head.", layout: &layout)
        self.layers = layers
        self.layout = layout
        parameters = AlignedBuffer(count: layout.count)
        gradients = AlignedBuffer(count: layout.count)
        caches = layers.map(RecurrentLayerCache.init)
        var generator = SplitMix64(seed: seed)
        dropoutGenerator = generator.split()
        initialize(initialization, using: &generator)
    }

    /// The number of parameters.
    public var parameterCount: Int { layout.tensors.reduce(0) { $0 + $1.count } }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.zero() }

    /// The values of tensor `name` (row-major), nil when there is none.
    public func tensor(_ name: String) -> [Float]? {
        guard let t = layout.tensor(named: name) else { return nil }
        return Array(UnsafeBufferPointer(start: parameters.pointer + t.offset, count: t.count))
    }

    /// The gradient of tensor `name`.
    public func gradient(_ name: String) -> [Float]? {
        guard let t = layout.tensor(named: name) else { return nil }
        return Array(UnsafeBufferPointer(start: gradients.pointer + t.offset, count: t.count))
    }

    /// Replaces tensor `name`; false when there is no such tensor or the size differs.
    @discardableResult
    public func setTensor(_ name: String, _ values: [Float]) -> Bool {
        guard let t = layout.tensor(named: name), t.count == values.count else { return false }
        values.withUnsafeBufferPointer { (parameters.pointer + t.offset).update(from: $0.baseAddress!, count: t.count) }
        return true
    }

    /// Runs the network on `x` ([B, T, F], batch-first) from `initialState` (zeros when nil).
    ///
    /// Returns the head's output: [B, O] for many-to-one, [B, T, O] for many-to-many.
    /// With `training`, dropout between layers is applied. The caches kept here are what
    /// `backward` differentiates, and `finalState` is the state after the last step. With
    /// `differentiable: false` (inference: forecasts, validation passes) the activated gates
    /// are not kept, only the states, and `backward` may not follow. `headInputs` ([B, E],
    /// `NetworkConfiguration.headInputs` values per sequence) go to the head beside the last
    /// hidden state.
    public func forward(_ x: [Float], batch: Int, steps: Int, initialState: RecurrentState? = nil,
                        training: Bool = false, differentiable: Bool = true, headInputs: [Float] = []) -> [Float] {
        let f = configuration.inputSize, h = configuration.hiddenSize, o = configuration.outputSize
        precondition(headInputs.count == batch * configuration.headInputs,
                     "forward: \(headInputs.count) head inputs, expected B*E = \(batch * configuration.headInputs)")
        precondition(x.count == batch * steps * f, "forward: x has \(x.count) values, expected B*T*F = \(batch * steps * f)")
        if let s = initialState {
            precondition(s.batch == batch && s.hidden.count == configuration.layers * batch * h
                             && (s.cell?.count ?? s.hidden.count) == s.hidden.count,
                         "forward: the initial state (batch \(s.batch)) does not fit batch \(batch) of this network")
        }
        let rows = steps * batch
        if input.count < rows * f { input = AlignedBuffer(count: rows * f) }
        x.withUnsafeBufferPointer { xb in
            let src = xb.baseAddress!, dst = input.pointer  // x.count checked above
            for b in 0..<batch {
                for t in 0..<steps { (dst + (t * batch + b) * f).update(from: src + (b * steps + t) * f, count: f) }
            }
        }
        let dropping = training && configuration.dropout > 0 && layers.count > 1
        if dropping && (dropMasks.count < layers.count - 1 || dropMasks[0].count < rows * h) {
            dropMasks = (1..<layers.count).map { _ in AlignedBuffer(count: rows * h) }
            droppedInputs = (1..<layers.count).map { _ in AlignedBuffer(count: rows * h) }
        }
        var layerInput = UnsafePointer(input.pointer)
        for (l, layer) in layers.enumerated() {
            func run(h0: UnsafePointer<Float>?, c0: UnsafePointer<Float>?) {
                layer.forward(cache: caches[l], input: layerInput, h0: h0, c0: c0,
                              parameters: parameters.pointer, steps: steps, batch: batch, keepGates: differentiable)
            }
            if let s = initialState {  // this layer's [batch, H] rows of the state (sizes checked above)
                let offset = l * batch * h
                s.hidden.withUnsafeBufferPointer { hb in
                    if let cell = s.cell {
                        cell.withUnsafeBufferPointer { cb in run(h0: hb.baseAddress! + offset, c0: cb.baseAddress! + offset) }
                    } else {
                        run(h0: hb.baseAddress! + offset, c0: nil)
                    }
                }
            } else {
                run(h0: nil, c0: nil)
            }
            let output = caches[l].hs.pointer + batch * h   // [T*B, H]
            if l + 1 < layers.count {
                if dropping {
                    let mask = dropMasks[l].pointer, dropped = droppedInputs[l].pointer
                    let keep = 1 - configuration.dropout
                    for i in 0..<(rows * h) {
                        mask[i] = dropoutGenerator.nextUniform() < Double(keep) ? 1 / keep : 0
                        dropped[i] = output[i] * mask[i]
                    }
                    layerInput = UnsafePointer(dropped)
                } else {
                    layerInput = UnsafePointer(output)
                }
            }
        }
        lastSteps = steps
        lastBatch = batch
        lastTraining = dropping
        lastDifferentiable = differentiable

        let last = caches[layers.count - 1].hs.pointer
        switch configuration.outputMode {
        case .lastStep:
            return headForward(last + steps * batch * h, headInputs, batch: batch)
        case .everyStep:
            if headOutput.count < rows * o { headOutput = AlignedBuffer(count: rows * o) }
            head.forward(output: headOutput.pointer, input: last + batch * h, rows: rows, parameters: parameters.pointer)
            var out = [Float](repeating: 0, count: rows * o)
            out.withUnsafeMutableBufferPointer { ob in
                for b in 0..<batch {
                    for t in 0..<steps {
                        (ob.baseAddress! + (b * steps + t) * o).update(from: headOutput.pointer + (t * batch + b) * o, count: o)
                    }
                }
            }
            return out
        }
    }

    /// The many-to-one head's output ([B, O]) for last hidden states `hidden` ([B, H]) and
    /// head inputs `extra` ([B, E]); what `forward` ends with, and what a model that keeps its
    /// last state forecasts from once the head inputs are known.
    public func head(lastHidden hidden: [Float], headInputs extra: [Float], batch: Int) -> [Float] {
        precondition(hidden.count == batch * configuration.hiddenSize && extra.count == batch * configuration.headInputs,
                     "head: \(hidden.count) hidden and \(extra.count) head inputs for a batch of \(batch)")
        return hidden.withUnsafeBufferPointer { headForward($0.baseAddress!, extra, batch: batch) }
    }

    /// The head on `batch` rows of the last hidden state (and of `extra`, its head inputs).
    private func headForward(_ hidden: UnsafePointer<Float>, _ extra: [Float], batch: Int) -> [Float] {
        let h = configuration.hiddenSize, e = configuration.headInputs, o = configuration.outputSize
        if headOutput.count < batch * o { headOutput = AlignedBuffer(count: batch * o) }
        var input = hidden
        if e > 0 {  // [h_T, extra] row by row
            if headInput.count < batch * (h + e) { headInput = AlignedBuffer(count: batch * (h + e)) }
            extra.withUnsafeBufferPointer { xb in
                for b in 0..<batch {
                    (headInput.pointer + b * (h + e)).update(from: hidden + b * h, count: h)
                    (headInput.pointer + b * (h + e) + h).update(from: xb.baseAddress! + b * e, count: e)
                }
            }
            input = UnsafePointer(headInput.pointer)
        }
        head.forward(output: headOutput.pointer, input: input, rows: batch, parameters: parameters.pointer)
        return Array(UnsafeBufferPointer(start: headOutput.pointer, count: batch * o))
    }

    /// Every hidden state of the last layer in the last `forward`, [B, T, H] batch-first
    /// (`output` of PyTorch's `nn.GRU`); the head reads the last step or all of them.
    public var hiddenStates: [Float] {
        let h = configuration.hiddenSize, b = lastBatch, steps = lastSteps
        let hs = caches[layers.count - 1].hs.pointer + b * h  // skip h_0
        var out = [Float](repeating: 0, count: b * steps * h)
        for s in 0..<b {
            for t in 0..<steps {
                for j in 0..<h { out[(s * steps + t) * h + j] = hs[(t * b + s) * h + j] }
            }
        }
        return out
    }

    /// dLoss/d(initial state) from the last `backward`: how an encoder that produced the
    /// initial state receives its gradient.
    public private(set) var initialStateGradient: RecurrentState?

    /// The state after the last step of the last `forward`, for carrying into the next call.
    public var finalState: RecurrentState {
        let h = configuration.hiddenSize, b = lastBatch
        var hidden = [Float](), cell: [Float]? = configuration.cell.hasCellState ? [] : nil
        for cache in caches {
            hidden += UnsafeBufferPointer(start: cache.hs.pointer + lastSteps * b * h, count: b * h)
            if cell != nil { cell! += UnsafeBufferPointer(start: cache.cs.pointer + lastSteps * b * h, count: b * h) }
        }
        return RecurrentState(hidden: hidden, cell: cell, batch: b)
    }

    /// Backpropagates dLoss/doutput of the last `forward` (same shape as its result),
    /// adding into `gradients`. `finalStateGradient` is dLoss/d`finalState` when the state
    /// feeds something later. With `inputGradient`, returns dLoss/dx ([B, T, F]).
    @discardableResult
    public func backward(_ dOutput: [Float], finalStateGradient: RecurrentState? = nil, inputGradient: Bool = false,
                         truncation: Int? = nil) -> [Float]? {
        precondition(lastDifferentiable, "backward: the last forward was an inference pass (differentiable: false)")
        let steps = lastSteps, batch = lastBatch, rows = steps * batch
        let h = configuration.hiddenSize, o = configuration.outputSize, f = configuration.inputSize
        let last = caches[layers.count - 1].hs.pointer
        if dHead.count < rows * h { dHead = AlignedBuffer(count: rows * h) }
        var dLastOutput: UnsafePointer<Float>?      // [T*B, H] into the last layer's outputs
        var dLastFinal: UnsafePointer<Float>?       // [B, H] into its final state
        var dOut = dOutput
        switch configuration.outputMode {
        case .lastStep:
            precondition(dOutput.count == batch * o, "backward: gradient has \(dOutput.count) values, expected \(batch * o)")
            let e = configuration.headInputs
            if e == 0 {
                dOut.withUnsafeBufferPointer { d in
                    head.backward(dInput: dHead.pointer, gradients: gradients.pointer, dOutput: d.baseAddress!,
                                  input: last + steps * batch * h, rows: batch, parameters: parameters.pointer)
                }
            } else {
                // The head read [h_T, extra] (kept by forward); only h_T's part flows back.
                if dHeadInput.count < batch * (h + e) { dHeadInput = AlignedBuffer(count: batch * (h + e)) }
                dOut.withUnsafeBufferPointer { d in
                    head.backward(dInput: dHeadInput.pointer, gradients: gradients.pointer, dOutput: d.baseAddress!,
                                  input: headInput.pointer, rows: batch, parameters: parameters.pointer)
                }
                for b in 0..<batch { (dHead.pointer + b * h).update(from: dHeadInput.pointer + b * (h + e), count: h) }
            }
            if let s = finalStateGradient {
                let extra = s.hidden.withUnsafeBufferPointer { Array($0[((layers.count - 1) * batch * h)...]) }
                for i in 0..<(batch * h) { dHead.pointer[i] += extra[i] }
            }
            dLastFinal = UnsafePointer(dHead.pointer)
        case .everyStep:
            precondition(dOutput.count == rows * o, "backward: gradient has \(dOutput.count) values, expected \(rows * o)")
            var timeMajor = [Float](repeating: 0, count: rows * o)
            for b in 0..<batch {
                for t in 0..<steps {
                    for k in 0..<o { timeMajor[(t * batch + b) * o + k] = dOut[(b * steps + t) * o + k] }
                }
            }
            dOut = timeMajor
            dOut.withUnsafeBufferPointer { d in
                head.backward(dInput: dHead.pointer, gradients: gradients.pointer, dOutput: d.baseAddress!,
                              input: last + batch * h, rows: rows, parameters: parameters.pointer)
            }
            dLastOutput = UnsafePointer(dHead.pointer)
        }
        var dLayerOutput = dLastOutput
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l], cache = caches[l]
            let layerInput: UnsafePointer<Float> = l == 0 ? UnsafePointer(input.pointer)
                : (lastTraining ? UnsafePointer(droppedInputs[l - 1].pointer) : UnsafePointer(caches[l - 1].hs.pointer + batch * h))
            // dLoss/d(final state) of this layer: the caller's, plus (last layer, many-to-one)
            // the head's, already summed into dHead above.
            var dhFinal: [Float]? = finalStateGradient.map { Array($0.hidden[(l * batch * h)..<((l + 1) * batch * h)]) }
            let dcFinal: [Float]? = finalStateGradient?.cell.map { Array($0[(l * batch * h)..<((l + 1) * batch * h)]) }
            if l == layers.count - 1, let dLastFinal {
                dhFinal = Array(UnsafeBufferPointer(start: dLastFinal, count: batch * h))
            }
            let needInput = l > 0 || inputGradient
            let run = { (dh: UnsafePointer<Float>?, dc: UnsafePointer<Float>?) in
                layer.backward(cache: cache, gradients: self.gradients.pointer, dOutput: dLayerOutput, dhFinal: dh,
                               dcFinal: dc, input: layerInput, parameters: self.parameters.pointer, steps: steps,
                               batch: batch, inputGradient: needInput, truncation: truncation)
            }
            switch (dhFinal, dcFinal) {
            case let (dh?, dc?): dh.withUnsafeBufferPointer { a in dc.withUnsafeBufferPointer { c in run(a.baseAddress, c.baseAddress) } }
            case let (dh?, nil): dh.withUnsafeBufferPointer { a in run(a.baseAddress, nil) }
            case let (nil, dc?): dc.withUnsafeBufferPointer { c in run(nil, c.baseAddress) }
            case (nil, nil): run(nil, nil)
            }
            if l > 0 {
                let dInput = cache.dInput.pointer
                if lastTraining {
                    let mask = dropMasks[l - 1].pointer
                    for i in 0..<(rows * h) { dInput[i] *= mask[i] }
                }
                dLayerOutput = UnsafePointer(dInput)
            }
        }
        var dh0: [Float] = [], dc0: [Float]? = configuration.cell.hasCellState ? [] : nil
        for cache in caches {
            dh0 += UnsafeBufferPointer(start: cache.dh.pointer, count: batch * h)
            if dc0 != nil { dc0! += UnsafeBufferPointer(start: cache.dc.pointer, count: batch * h) }
        }
        initialStateGradient = RecurrentState(hidden: dh0, cell: dc0, batch: batch)
        guard inputGradient else { return nil }
        let dInput = caches[0].dInput.pointer
        var dx = [Float](repeating: 0, count: rows * f)
        for b in 0..<batch {
            for t in 0..<steps {
                for k in 0..<f { dx[(b * steps + t) * f + k] = dInput[(t * batch + b) * f + k] }
            }
        }
        return dx
    }
}
