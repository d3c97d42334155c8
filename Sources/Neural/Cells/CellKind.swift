/// The recurrent cell, with PyTorch's equations and gate order.
///
/// - `rnnTanh`, `rnnReLU`: h' = act(W_ih x + b_ih + W_hh h + b_hh)            (`nn.RNN`)
/// - `gru`: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
///   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h   (`nn.GRU`)
/// - `lstm`: i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh) split in four;
///   c' = f * c + i * g, h' = o * tanh(c')                                      (`nn.LSTM`)
public enum CellKind: String, Sendable, Codable, CaseIterable {
    case rnnTanh = "rnn_tanh"
    case rnnReLU = "rnn_relu"
    case gru
    case lstm

    /// Gate blocks stacked in the weight matrices: 1, 3 (r, z, n) or 4 (i, f, g, o).
    public var gates: Int {
        switch self {
        case .rnnTanh, .rnnReLU: 1
        case .gru: 3
        case .lstm: 4
        }
    }

    /// Whether the cell carries a cell state beside its hidden state (the LSTM's c).
    public var hasCellState: Bool {
        switch self {
        case .lstm: true
        case .rnnTanh, .rnnReLU, .gru: false
        }
    }
}
