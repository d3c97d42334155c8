import TimeSeries

/// What a forecaster is fitted on: the target history, its inputs by role and the timestamps
/// for calendar features. Roles (NeuralForecast's hist/futr/stat exogenous, Darts' past,
/// future and static covariates):
/// - past covariates (`covariates`): observed up to the end of the history;
/// - future covariates (`futureCovariates`): known in advance, so a forecast also takes their
///   values for the steps it forecasts (`FutureInputs`); here their values on the history's rows;
/// - static covariates (`staticCovariates`): one value per series (attributes, encoded numbers).
/// `observed` says which target values were in the data: the others were filled for the
/// inputs and count in no loss (`--missing mask`).
public struct SeriesData: Sendable {
    /// A name for messages (the series id or the file).
    public var name: String
    /// The target, oldest first (no missing values; see `MissingPolicy`).
    public var target: [Double]
    /// Whether each target value was observed; nil when every one was (or filling counts as observed).
    public var observed: [Bool]?
    /// Past covariates, one array per column, each as long as `target`.
    public var covariates: [[Double]]
    public var covariateNames: [String]
    /// Covariates known in advance, one array per column, each as long as `target` (their
    /// values on the history's rows).
    public var futureCovariates: [[Double]]
    public var futureCovariateNames: [String]
    /// Static covariates: one encoded value per feature (`StaticEncoding`), the same on every row.
    public var staticCovariates: [Double]
    public var staticCovariateNames: [String]
    /// One timestamp per value; nil when the row index is the time axis.
    public var timestamps: [Timestamp]?
    /// The grid of the timestamps.
    public var frequency: Frequency

    /// A series from its values (see the properties).
    public init(name: String = "series", target: [Double], observed: [Bool]? = nil, covariates: [[Double]] = [],
                covariateNames: [String] = [], futureCovariates: [[Double]] = [], futureCovariateNames: [String] = [],
                staticCovariates: [Double] = [], staticCovariateNames: [String] = [],
                timestamps: [Timestamp]? = nil, frequency: Frequency = .index) {
        precondition(covariates.allSatisfy { $0.count == target.count } && futureCovariates.allSatisfy { $0.count == target.count }
                         && (observed?.count ?? target.count) == target.count,
                     "SeriesData: covariates and the observation mask must be as long as the target")
        self.name = name
        self.target = target
        self.observed = observed
        self.covariates = covariates
        self.covariateNames = covariateNames
        self.futureCovariates = futureCovariates
        self.futureCovariateNames = futureCovariateNames
        self.staticCovariates = staticCovariates
        self.staticCovariateNames = staticCovariateNames
        self.timestamps = timestamps
        self.frequency = frequency
    }

    /// The rows `range` (a training window, new rows), every role with them.
    public func rows(_ range: Range<Int>) -> SeriesData {
        SeriesData(name: name, target: Array(target[range]), observed: observed.map { Array($0[range]) },
                   covariates: covariates.map { Array($0[range]) }, covariateNames: covariateNames,
                   futureCovariates: futureCovariates.map { Array($0[range]) }, futureCovariateNames: futureCovariateNames,
                   staticCovariates: staticCovariates, staticCovariateNames: staticCovariateNames,
                   timestamps: timestamps.map { Array($0[range]) }, frequency: frequency)
    }

    /// The first `count` values (a training window).
    public func prefix(_ count: Int) -> SeriesData { rows(0..<min(count, target.count)) }

    /// The last `count` values (the new rows of an update).
    public func suffix(_ count: Int) -> SeriesData { rows(max(0, target.count - count)..<target.count) }

    /// Whether target value `i` was observed.
    public func isObserved(_ i: Int) -> Bool { observed?[i] ?? true }

    /// The target and covariates of `frame`, missing values filled by `policy` (`mask`: filled
    /// by interpolation and marked in `observed`).
    public init(frame: Frame, target: String, covariates: [String] = [], futureCovariates: [String] = [],
                policy: MissingPolicy = .interpolate) throws(TimeSeriesError) {
        let fill = policy == .mask ? .interpolate : policy
        let raw = try frame.values(of: target)
        let filled = try frame.selecting(columns: [target] + covariates + futureCovariates).filled(fill)
        let kept = try filled.values(of: target)
        // With `mask`, which of the kept rows (the last ones: leading rows may be dropped) held
        // an observed target.
        let tail = raw.suffix(kept.count)
        let observed: [Bool]? = policy == .mask && tail.contains(where: \.isNaN) ? tail.map { !$0.isNaN } : nil
        self.init(name: frame.displayName, target: kept, observed: observed,
                  covariates: try covariates.map { (name) throws(TimeSeriesError) in try filled.values(of: name) },
                  covariateNames: covariates,
                  futureCovariates: try futureCovariates.map { (name) throws(TimeSeriesError) in try filled.values(of: name) },
                  futureCovariateNames: futureCovariates, timestamps: filled.timestamps,
                  frequency: frame.frequencyReport.frequency ?? .index)
    }
}
