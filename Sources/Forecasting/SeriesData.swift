import TimeSeries

/// What a forecaster is fitted on: the target history (no missing values; see
/// `MissingPolicy`), optional past covariates, and the timestamps for calendar features.
public struct SeriesData: Sendable {
    /// A name for messages (the series id or the file).
    public var name: String
    /// The target, oldest first.
    public var target: [Double]
    /// Past covariates, one array per column, each as long as `target`.
    public var covariates: [[Double]]
    public var covariateNames: [String]
    /// One timestamp per value; nil when the row index is the time axis.
    public var timestamps: [Timestamp]?
    /// The grid of the timestamps.
    public var frequency: Frequency

    /// A series from its values (see the properties).
    public init(name: String = "series", target: [Double], covariates: [[Double]] = [], covariateNames: [String] = [],
                timestamps: [Timestamp]? = nil, frequency: Frequency = .index) {
        precondition(covariates.allSatisfy { $0.count == target.count }, "SeriesData: covariates must be as long as the target")
        self.name = name
        self.target = target
        self.covariates = covariates
        self.covariateNames = covariateNames
        self.timestamps = timestamps
        self.frequency = frequency
    }

    /// The first `count` values (a training window).
    public func prefix(_ count: Int) -> SeriesData {
        SeriesData(name: name, target: Array(target.prefix(count)), covariates: covariates.map { Array($0.prefix(count)) },
                   covariateNames: covariateNames, timestamps: timestamps.map { Array($0.prefix(count)) }, frequency: frequency)
    }

    /// The last `count` values (the new rows of an update).
    public func suffix(_ count: Int) -> SeriesData {
        SeriesData(name: name, target: Array(target.suffix(count)), covariates: covariates.map { Array($0.suffix(count)) },
                   covariateNames: covariateNames, timestamps: timestamps.map { Array($0.suffix(count)) }, frequency: frequency)
    }

    /// The target and covariates of `frame`, missing values filled by `policy`.
    public init(frame: Frame, target: String, covariates: [String] = [], policy: MissingPolicy = .interpolate)
        throws(TimeSeriesError)
    {
        let filled = try frame.selecting(columns: [target] + covariates).filled(policy)
        self.init(name: frame.displayName, target: try filled.values(of: target),
                  covariates: try covariates.map { (name) throws(TimeSeriesError) in try filled.values(of: name) },
                  covariateNames: covariates, timestamps: filled.timestamps,
                  frequency: frame.frequencyReport.frequency ?? .index)
    }
}
