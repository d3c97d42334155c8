import Neural

/// The one list of models the tool fits: their names in flags, tables, JSON and the store,
/// and how each is made from the shared model settings. Everything that names or makes a
/// model goes through this enum (no other list of model names in the code).
public enum ModelKind: String, CaseIterable, Sendable, Codable {
    case naive
    case seasonalNaive = "seasonal-naive"
    case drift
    case mean
    case rnn
    case rnnReLU = "rnn-relu"
    case gru
    case lstm

    /// The recurrent cell of a network kind; nil for a baseline.
    public var cell: CellKind? {
        switch self {
        case .rnn: .rnnTanh
        case .rnnReLU: .rnnReLU
        case .gru: .gru
        case .lstm: .lstm
        case .naive, .seasonalNaive, .drift, .mean: nil
        }
    }

    /// Whether the kind is a trained network (not a baseline).
    public var isNetwork: Bool { cell != nil }

    /// The kind of a recurrent network with `cell`.
    public init(cell: CellKind) {
        switch cell {
        case .rnnTanh: self = .rnn
        case .rnnReLU: self = .rnnReLU
        case .gru: self = .gru
        case .lstm: self = .lstm
        }
    }

    /// The network kinds, in the order of this list.
    public static var networks: [ModelKind] { allCases.filter(\.isNetwork) }

    /// The names of `kinds` for messages and help: "naive, seasonal-naive, ...".
    public static func names(_ kinds: [ModelKind] = allCases) -> String {
        kinds.map(\.rawValue).joined(separator: ", ")
    }

    /// The type of a baseline kind (it makes and decodes the baseline); nil for a network.
    /// A new baseline is one file conforming to `Baseline`, its case above and its line here.
    public var baselineType: (any Baseline.Type)? {
        switch self {
        case .naive: Naive.self
        case .seasonalNaive: SeasonalNaive.self
        case .drift: Drift.self
        case .mean: HistoricMean.self
        case .rnn, .rnnReLU, .gru, .lstm: nil
        }
    }

    /// A new, unfitted model of this kind: baselines take the seasonal period of
    /// `configuration`, networks all of it with this kind's cell.
    public func make(_ configuration: RecurrentConfiguration) -> any Forecaster {
        if let baselineType { return baselineType.init(configuration) }
        return makeNetwork(configuration)!  // not a baseline: a network kind, whose cell is set
    }

    /// A new, unfitted network of this kind (`configuration` with this kind's cell); nil for
    /// a baseline.
    public func makeNetwork(_ configuration: RecurrentConfiguration) -> RecurrentForecaster? {
        guard let cell else { return nil }
        var c = configuration
        c.cell = cell
        return RecurrentForecaster(c)
    }
}
