import CKernels

/// One recurrent layer: its sizes and where its four PyTorch tensors sit in the flat buffer.
///
/// `weight_ih_l{k}` [G*H, I], `weight_hh_l{k}` [G*H, H], `bias_ih_l{k}` [G*H],
/// `bias_hh_l{k}` [G*H], gates stacked in PyTorch's order.
public struct RecurrentLayer: Sendable {
    public let cell: CellKind
    public let inputSize: Int
    public let hiddenSize: Int
    public let index: Int
    let weightIH: Int
    let weightHH: Int
    let biasIH: Int
    let biasHH: Int

    /// Adds the layer's tensors to `layout` under `prefix` (e.g. `rnn.`).
    public init(cell: CellKind, inputSize: Int, hiddenSize: Int, index: Int, prefix: String,
                layout: inout ParameterLayout) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.index = index
        let g = cell.gates * hiddenSize
        weightIH = layout.add("\(prefix)weight_ih_l\(index)", shape: [g, inputSize])
        weightHH = layout.add("\(prefix)weight_hh_l\(index)", shape: [g, hiddenSize])
        biasIH = layout.add("\(prefix)bias_ih_l\(index)", shape: [g])
        biasHH = layout.add("\(prefix)bias_hh_l\(index)", shape: [g])
    }

    /// G*H: the width of the stacked gates.
    public var gateWidth: Int { cell.gates * hiddenSize }
}

/// The per-sequence buffers of one layer: inputs projected, every hidden (and cell) state,
/// the activated gates, and the backward pass's gate gradients. Allocated for the largest
/// (steps x batch) seen and reused, so the time loop never allocates.
final class RecurrentLayerCache {
    private(set) var capacity = 0  // rows = steps * batch, of the states
    private(set) var batchCapacity = 0
    private var trainingCapacity = 0, trainingBatchCapacity = 0  // of the backward pass's buffers
    let layer: RecurrentLayer

    var xProj = AlignedBuffer(count: 0)      // [chunk*B, G]  W_ih x + b_ih, one chunk of steps
    var hs = AlignedBuffer(count: 0)         // [(T+1)*B, H]  h_0 ... h_T
    var cs = AlignedBuffer(count: 0)         // [(T+1)*B, H]  c_0 ... c_T (LSTM)
    var gates = AlignedBuffer(count: 0)      // [T*B, G]  activated gates
    var hn = AlignedBuffer(count: 0)         // [T*B, H]  W_hn h + b_hn (GRU)
    var tanhC = AlignedBuffer(count: 0)      // [T*B, H]  tanh(c_t) (LSTM)
    var dPre = AlignedBuffer(count: 0)       // [T*B, G]  dLoss/d(x-side pre-activations)
    var dHPre = AlignedBuffer(count: 0)      // [T*B, G]  dLoss/d(h-side pre-activations) (GRU)
    var dInput = AlignedBuffer(count: 0)     // [T*B, I]
    var dh = AlignedBuffer(count: 0)         // [B, H]
    var dc = AlignedBuffer(count: 0)         // [B, H]
    /// W_hh^T [H, G] packed for `ck_step_gemm` (a GRU: its r,z columns [H, 2H]), once per
    /// forward call; `packedN` the GRU's n columns [H, H]; `packedBack` W_hh [G, H] as the
    /// backward step's operand, once per backward call.
    let packedForward: AlignedBuffer
    let packedN: AlignedBuffer
    let packedBack: AlignedBuffer
    let foldedBias: AlignedBuffer            // [G]  b_ih + the b_hh parts summed with it

    init(layer: RecurrentLayer) {
        self.layer = layer
        let h = layer.hiddenSize, g = layer.gateWidth
        let forwardWidth = layer.cell == .gru ? 2 * h : g
        packedForward = AlignedBuffer(count: ck_step_packed_floats(forwardWidth, h))
        packedN = AlignedBuffer(count: layer.cell == .gru ? ck_step_packed_floats(h, h) : 0)
        packedBack = AlignedBuffer(count: ck_step_packed_floats(h, g))
        foldedBias = AlignedBuffer(count: layer.gateWidth)
    }

    /// The steps projected by one input GEMM: about 256 KB of projections, at least one step.
    static func chunkSteps(batch: Int, gateWidth: Int) -> Int { max(1, 65_536 / max(1, batch * gateWidth)) }

    /// Makes room for `steps * batch` rows: the states always, and with `training` the gate
    /// cache and gradient buffers of the backward pass (an inference pass allocates none of
    /// them, and a GRU's W_hn h only one step's worth).
    func reserve(steps: Int, batch: Int, training: Bool = true) {
        let rows = steps * batch
        let h = layer.hiddenSize, g = layer.gateWidth
        let projected = min(steps, RecurrentLayerCache.chunkSteps(batch: batch, gateWidth: g)) * batch * g
        if xProj.count < projected { xProj = AlignedBuffer(count: projected) }
        if rows > capacity || batch > batchCapacity {
            capacity = max(rows, capacity)
            batchCapacity = max(batch, batchCapacity)
            let bc = batchCapacity
            hs = AlignedBuffer(count: (capacity + bc) * h)
            if layer.cell.hasCellState { cs = AlignedBuffer(count: (capacity + bc) * h) }
        }
        if training && (rows > trainingCapacity || batch > trainingBatchCapacity) {
            trainingCapacity = max(rows, trainingCapacity)
            trainingBatchCapacity = max(batch, trainingBatchCapacity)
            let rc = trainingCapacity, bc = trainingBatchCapacity
            gates = AlignedBuffer(count: rc * g)
            dPre = AlignedBuffer(count: rc * g)
            dInput = AlignedBuffer(count: rc * layer.inputSize)
            dh = AlignedBuffer(count: bc * h)
            dc = AlignedBuffer(count: bc * h)
            if layer.cell == .gru { dHPre = AlignedBuffer(count: rc * g) }
            if layer.cell == .lstm { tanhC = AlignedBuffer(count: rc * h) }
        }
        if layer.cell == .gru {
            let needed = (training ? steps : 1) * batch * h
            if hn.count < needed { hn = AlignedBuffer(count: needed) }
        }
    }
}
