import Neural

/// What a fitted strategy keeps besides its weights (the model file's metadata `state`):
/// the fields every strategy shares, once (`series`, the training `report`, the data's grid),
/// and what the strategy keeps of its own (`extra`: a stateful model's hidden state, a global
/// model's series, ...). Encoded flat, the keys of `series`, `extra` and this type side by
/// side in one JSON object, as model files have always held them.
public struct FittedState<Extra: Codable & Sendable & Equatable>: Sendable, Codable, Equatable {
    public var series = SeriesState()
    /// What training did: epochs run, the best epoch and its validation loss, the search's probes.
    public var report = TrainingReport()
    /// The data's grid (`Frequency.code`), to date future steps.
    public var frequencyCode = "index"
    public var extra: Extra

    public init(extra: Extra) { self.extra = extra }

    private enum CodingKeys: String, CodingKey { case report, frequencyCode }

    public init(from decoder: any Decoder) throws {
        series = try SeriesState(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        report = try c.decodeIfPresent(TrainingReport.self, forKey: .report) ?? TrainingReport()
        frequencyCode = try c.decodeIfPresent(String.self, forKey: .frequencyCode) ?? "index"
        extra = try Extra(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try series.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(report, forKey: .report)
        try c.encode(frequencyCode, forKey: .frequencyCode)
        try extra.encode(to: encoder)
    }
}

/// A strategy that keeps nothing of its own beyond the shared fields.
public struct NoExtra: Sendable, Codable, Equatable {
    public init() {}
}

/// A saved hidden state (and, for a cell with a cell state, that too) after the history: the
/// part of a stateful model's state that `update` advances.
public struct SavedRecurrentState: Sendable, Codable, Equatable {
    public var hidden: [Float] = []
    public var cell: [Float]?

    public init(hidden: [Float] = [], cell: [Float]? = nil) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The state a network ended in (`RecurrentNetwork.finalState`).
    init(_ state: RecurrentState) { self.init(hidden: state.hidden, cell: state.cell) }

    /// As a network's initial state for a batch of one.
    var initial: RecurrentState { RecurrentState(hidden: hidden, cell: cell, batch: 1) }

    /// Throws unless it fits `c`'s network: one value per unit and layer, finite, a cell
    /// state exactly when the cell has one.
    func validate(_ c: RecurrentConfiguration) throws(ForecastingError) {
        let size = c.layers * c.hiddenSize
        guard hidden.count == size, hidden.allSatisfy(\.isFinite),
              (cell == nil) == !c.cell.hasCellState, cell.map({ $0.count == size && $0.allSatisfy(\.isFinite) }) ?? true
        else {
            throw FittedStateCheck.bad("the saved recurrent state does not fit \(c.layers) layer(s) of \(c.hiddenSize) \(c.cell) units")
        }
    }
}
