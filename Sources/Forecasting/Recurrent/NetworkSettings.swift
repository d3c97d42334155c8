import Neural

/// The settings of one network that the search chooses among, as a fit used them.
public struct NetworkSettings: Sendable, Codable, Equatable {
    public var cell: CellKind
    public var window: Int
    public var hiddenSize: Int
    public var layers: Int
    public var learningRate: Double
    public var dropout: Float
    public var normalization: RecurrentConfiguration.Normalization
    public var season: Int

    public init(_ c: RecurrentConfiguration) {
        cell = c.cell
        window = c.window
        hiddenSize = c.hiddenSize
        layers = c.layers
        learningRate = c.learningRate
        dropout = c.dropout
        normalization = c.normalization
        season = c.season
    }

    /// The settings that differ from `c`'s, as flags would say them (`window 78, hidden 32`);
    /// nil when none do (the scaling aside).
    public func changes(from c: RecurrentConfiguration) -> String? {
        var parts: [String] = []
        if cell != c.cell { parts.append("cell \(cell.rawValue)") }
        if window != c.window { parts.append("window \(window)") }
        if hiddenSize != c.hiddenSize { parts.append("hidden \(hiddenSize)") }
        if layers != c.layers { parts.append("layers \(layers)") }
        if learningRate != c.learningRate { parts.append("learning rate \(learningRate)") }
        if dropout != c.dropout { parts.append("dropout \(dropout)") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The settings for people: `gru, window 104, hidden 64, 1 layer, learning rate 0.001, window-seasonal`.
    public var description: String {
        "\(cell.rawValue), window \(window), hidden \(hiddenSize), \(layers) layer\(layers == 1 ? "" : "s"), learning rate \(learningRate)"
            + (dropout > 0 ? ", dropout \(dropout)" : "") + ", \(normalization.rawValue)"
    }
}
