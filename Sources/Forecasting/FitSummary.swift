/// What a fit chose and did: its settings as a JSON object (the store's `fits.settings_json`),
/// a sentence for people (`fits.note`), where the forecast comes from and whether the fit
/// changed a setting it was given to fit the data (a window shortened for a short history).
public struct FitSummary: Sendable, Equatable {
    /// Where a fitted model's forecast comes from.
    public enum Source: Sendable, Equatable {
        /// The networks alone.
        case network
        /// weight x the networks + (1 - weight) x the baseline.
        case mixed(weight: Double)
        /// The baseline alone (named: `naive`, `seasonal-naive`).
        case baseline(String)

        /// In a word or two: `network`, `0.7 x network`, `seasonal-naive`.
        public var label: String {
            switch self {
            case .network: "network"
            case .mixed(let weight): "\(Anchor.shown(weight)) x network"
            case .baseline(let name): name
            }
        }
    }

    public var settings: String
    public var note: String
    public var source: Source
    public var adapted: Bool

    public init(settings: String, note: String, source: Source, adapted: Bool) {
        self.settings = settings
        self.note = note
        self.source = source
        self.adapted = adapted
    }
}
