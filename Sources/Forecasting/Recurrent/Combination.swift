import TimeSeries

/// Fitted networks of one kind whose forecasts are averaged with equal weights: what the
/// `auto` scaling search builds from the scalings that validate close to the best
/// (`ScalingSearch`). The first member validated best; its report holds the search's
/// probes and the combined scalings. Members are single-strategy models, not combinations.
public struct Combination: Forecaster {
    public internal(set) var members: [RecurrentForecaster]

    /// A combination of fitted members (at least one, none a combination).
    public init(_ members: [RecurrentForecaster]) {
        precondition(!members.isEmpty && members.allSatisfy { !$0.isCombination }, "Combination: members must be single models")
        self.members = members
    }

    public var name: String { members[0].name }
    /// The first member's configuration (the members differ in their scaling only).
    public var configuration: RecurrentConfiguration { members[0].configuration }

    public mutating func fit(_ series: SeriesData) throws {
        for i in members.indices { try members[i].fit(series) }
    }

    public func predict(horizon: Int) throws -> Forecast {
        Forecast(averaging: try members.map { try $0.predict(horizon: horizon) })
    }

    /// The combination for one series of global members.
    public func forecaster(forSeries name: String) throws -> Combination {
        Combination(try members.map { try $0.forecaster(forSeries: name) })
    }
}
