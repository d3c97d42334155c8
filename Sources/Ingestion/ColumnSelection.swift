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
    /// Value columns by the role a forecaster gives them, keyed by the flag that names them
    /// (`--covariates`: past covariates), read as `columns` are. A column has one role: see
    /// `roleConflict`.
    public var roles: [Role] = []
    /// Columns read as categories (`--categorical`): each row's text is a label
    /// (`Column.Kind.label`), not a number.
    public var categorical: Set<String> = []

    /// Columns named for one role of the forecaster.
    public struct Role: Sendable, Equatable {
        /// The flag that names them (`--covariates`, ...).
        public var flag: String
        public var columns: [String]

        public init(flag: String, columns: [String]) {
            self.flag = flag
            self.columns = columns
        }
    }

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
        guard target != nil || columns != nil || !roles.isEmpty else { return nil }
        var names: [String] = target.map { [$0] } ?? []
        for name in (columns ?? []) + roles.flatMap(\.columns) where !names.contains(name) { names.append(name) }
        return names
    }

    /// The first column named for two roles (the time column, named or found; the target;
    /// the series id; each role of `roles`), or twice for one role, with the two flags
    /// (`the time column` when it was found, not named); nil when every column has one role.
    public func roleConflict(timeColumn found: String?) -> (name: String, first: String, second: String)? {
        var named: [(flag: String, name: String)] = []
        if let time = timeColumn ?? found { named.append((timeColumn == nil ? "the time column" : "--time-column", time)) }
        if let seriesColumn { named.append(("--series-column", seriesColumn)) }
        if let target { named.append(("--target", target)) }
        for role in roles { named += role.columns.map { (role.flag, $0) } }
        for (i, later) in named.enumerated() {
            if let earlier = named[..<i].first(where: { $0.name == later.name }) {
                return (later.name, earlier.flag, later.flag)
            }
        }
        return nil
    }
}
