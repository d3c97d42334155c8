/// One candidate of the search and how it validated after its first round.
public struct SearchProbe: Sendable, Equatable, Codable {
    public init(normalization: RecurrentConfiguration.Normalization, season: Int? = nil, settings: String? = nil,
                validationError: Double) {
        self.normalization = normalization
        self.season = season
        self.settings = settings
        self.validationError = validationError
    }

    /// The scaling's name, with its seasonal period when it is not the model's and the
    /// settings the candidate changes.
    public var label: String { Self.label(normalization, season: season) + (settings.map { " " + $0 } ?? "") }

    /// A scaling's name, with `season` when given (it is not the model's).
    public static func label(_ normalization: RecurrentConfiguration.Normalization, season: Int?) -> String {
        normalization.rawValue + (season.map { " (m=\($0))" } ?? "")
    }

    public var normalization: RecurrentConfiguration.Normalization
    /// The candidate's seasonal period when it is not the model's (the weekly
    /// window-seasonal candidate of a sub-daily series); nil otherwise.
    public var season: Int?
    /// What the candidate changes of the settings asked for (`NetworkSettings.changes`);
    /// nil when nothing.
    public var settings: String?
    /// Mean absolute error on the validation windows, in the data's units.
    public var validationError: Double
}
