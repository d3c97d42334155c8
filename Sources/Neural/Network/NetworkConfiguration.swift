/// The shape of a recurrent network: stacked recurrent layers and a dense head.
public struct NetworkConfiguration: Sendable, Codable, Equatable {
    /// Where the head reads the recurrent layers' output.
    public enum OutputMode: String, Sendable, Codable {
        /// Many-to-one: the head reads the last step's hidden state -> [B, O].
        case lastStep = "many-to-one"
        /// Many-to-many: the head reads every step's hidden state -> [B, T, O].
        case everyStep = "many-to-many"
    }

    public var cell: CellKind
    /// Features per step (F).
    public var inputSize: Int
    /// Hidden units per layer (H).
    public var hiddenSize: Int
    /// Stacked recurrent layers.
    public var layers: Int
    /// Head outputs (O): the horizon for direct forecasts, 1 for one-step, the vocabulary
    /// for classification.
    public var outputSize: Int
    public var outputMode: OutputMode
    /// Dropout between recurrent layers while training (PyTorch's `dropout`).
    public var dropout: Float
    /// Inputs the head reads beside the last hidden state (many-to-one only): values known
    /// for the outputs, such as the future values of covariates known in advance. The head is
    /// then `Linear(hidden + headInputs, outputs)` over [h_T, extra].
    public var headInputs: Int

    /// A network's shape: cell, sizes, layers, head and dropout.
    public init(cell: CellKind, inputSize: Int, hiddenSize: Int, layers: Int = 1, outputSize: Int,
                outputMode: OutputMode = .lastStep, dropout: Float = 0, headInputs: Int = 0) {
        precondition(inputSize >= 1 && hiddenSize >= 1 && layers >= 1 && outputSize >= 1 && headInputs >= 0,
                     "NetworkConfiguration: sizes must be at least 1")
        precondition(dropout >= 0 && dropout < 1, "NetworkConfiguration: dropout must be in [0, 1)")
        precondition(headInputs == 0 || outputMode == .lastStep, "NetworkConfiguration: head inputs need a many-to-one head")
        self.headInputs = headInputs
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.outputSize = outputSize
        self.outputMode = outputMode
        self.dropout = dropout
    }
}

/// The hidden (and, for an LSTM, cell) state of every layer: [layers, batch, hidden] each,
/// as PyTorch's `h_n` and `c_n`.
public struct RecurrentState: Sendable, Equatable {
    public var hidden: [Float]
    public var cell: [Float]?
    public var batch: Int

    /// A state from its hidden (and, for LSTM, cell) values, [layers, batch, hidden] each.
    public init(hidden: [Float], cell: [Float]?, batch: Int) {
        self.hidden = hidden
        self.cell = cell
        self.batch = batch
    }

    /// Zeros for `configuration` and `batch` sequences.
    public static func zeros(_ configuration: NetworkConfiguration, batch: Int) -> RecurrentState {
        let n = configuration.layers * batch * configuration.hiddenSize
        return RecurrentState(hidden: Array(repeating: 0, count: n),
                              cell: configuration.cell.hasCellState ? Array(repeating: 0, count: n) : nil, batch: batch)
    }
}
