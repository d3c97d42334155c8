/// The columns a forecaster reads beside its target, by role (NeuralForecast's
/// `hist_exog_list`, `futr_exog_list`, `stat_exog_list`; Darts' past, future and static
/// covariates): what the command line's flags name, the model file keeps and `predict --model`
/// and `update` check the data against. A column has one role.
public struct CovariateRoles: Sendable, Codable, Equatable {
    /// Past covariates: observed up to the end of the history (`--covariates`).
    public var past: [String] = []
    /// Covariates known for every step of the horizon (`--future-covariates`).
    public var future: [String] = []
    /// Static covariates: one value per series (`--static-covariates`).
    public var statics: [String] = []
    /// The static covariates that are categories (`--categorical`).
    public var categorical: [String] = []

    public init(past: [String] = [], future: [String] = [], statics: [String] = [], categorical: [String] = []) {
        self.past = past
        self.future = future
        self.statics = statics
        self.categorical = categorical
    }

    /// Every column named, in role order.
    public var all: [String] { past + future + statics }

    /// Whether any column is named.
    public var isEmpty: Bool { all.isEmpty }

    private enum CodingKeys: String, CodingKey { case past, future, statics, categorical }

    /// Every key optional: a model file written before roles names its past covariates only.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        past = try c.decodeIfPresent([String].self, forKey: .past) ?? []
        future = try c.decodeIfPresent([String].self, forKey: .future) ?? []
        statics = try c.decodeIfPresent([String].self, forKey: .statics) ?? []
        categorical = try c.decodeIfPresent([String].self, forKey: .categorical) ?? []
    }
}
