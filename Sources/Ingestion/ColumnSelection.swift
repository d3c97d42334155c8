/// Which columns of a CSV file or SQLite table become what: time axis, series id, values.
public struct ColumnSelection: Sendable, Equatable {
    /// The time column; nil to detect it (a column named `timestamp`, `time`, `date`,
    /// `datetime` or `ds`, else the first column when its first value is an ISO-8601 date).
    public var timeColumn: String?
    /// No time column: the row index is the time axis.
    public var noTimeColumn: Bool
    /// The target column. With `columns`, only these are read; without either, every column is.
    public var target: String?
    /// Further value columns to read (covariates).
    public var columns: [String]?
    /// Long format: the column holding the series id; each id becomes its own frame.
    public var seriesColumn: String?
    /// Sort rows by time instead of rejecting out-of-order rows.
    public var sort: Bool

    /// A selection from the command line's column flags (see the properties).
    public init(timeColumn: String? = nil, noTimeColumn: Bool = false, target: String? = nil,
                columns: [String]? = nil, seriesColumn: String? = nil, sort: Bool = false) {
        self.timeColumn = timeColumn
        self.noTimeColumn = noTimeColumn
        self.target = target
        self.columns = columns
        self.seriesColumn = seriesColumn
        self.sort = sort
    }

    /// Header names that mark the time column when none is named.
    static let timeColumnNames: Set<String> = ["timestamp", "time", "date", "datetime", "ds", "time_hour"]

    /// The value columns the flags name, target first; nil when every column is read.
    var namedValueColumns: [String]? {
        guard target != nil || columns != nil else { return nil }
        var names: [String] = target.map { [$0] } ?? []
        for name in columns ?? [] where !names.contains(name) { names.append(name) }
        return names
    }
}
