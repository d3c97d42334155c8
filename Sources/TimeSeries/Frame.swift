/// A table of one series: timestamps (or the row index), named columns and their missing masks.
public struct Frame: Sendable {
    /// The series id in long-format data; nil for a single series.
    public var series: String?
    /// One timestamp per row, strictly increasing; nil when the row index is the time axis.
    public var timestamps: [Timestamp]?
    /// How the timestamps were written.
    public var timestampStyle: TimestampStyle
    /// The columns, in file order (the time and series-id columns are not among them).
    public var columns: [Column]
    /// Where each row came from, for error messages.
    public var source: SourceMap?
    /// The number of rows.
    public private(set) var rowCount: Int

    /// A frame from its timestamps and columns.
    public init(series: String? = nil, timestamps: [Timestamp]?, timestampStyle: TimestampStyle = .date,
                columns: [Column], source: SourceMap? = nil) {
        let count = timestamps?.count ?? columns.first(where: { $0.kind == .numeric })?.values.count
            ?? columns.first?.missing.count ?? 0
        for column in columns {
            precondition(column.missing.count == count && (column.kind == .text || column.values.count == count),
                         "Frame: column \"\(column.name)\" has \(column.missing.count) rows, expected \(count)")
        }
        self.series = series
        self.timestamps = timestamps
        self.timestampStyle = timestampStyle
        self.columns = columns
        self.source = source
        self.rowCount = count
    }

    /// A name for messages: the series id, else the file, else `series`.
    public var displayName: String { series ?? source?.file ?? "series" }

    /// The column names in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column called `name`.
    public func column(named name: String) throws(TimeSeriesError) -> Column {
        guard let column = columns.first(where: { $0.name == name }) else {
            throw .unknownColumn(name, available: columnNames)
        }
        return column
    }

    /// The numeric values of column `name` (NaN where missing).
    public func values(of name: String) throws(TimeSeriesError) -> [Double] {
        let column = try column(named: name)
        guard column.kind == .numeric else { throw .notNumeric(column: name) }
        return column.values
    }

    /// The same rows with only the named columns, in the order given.
    public func selecting(columns names: [String]) throws(TimeSeriesError) -> Frame {
        var selected: [Column] = []
        for name in names {
            let column = try column(named: name)
            guard column.kind == .numeric else { throw .notNumeric(column: name) }
            selected.append(column)
        }
        var frame = self
        frame.columns = selected
        return frame
    }

    /// The rows at `rows`, in that order.
    public func rows(_ rows: some Collection<Int>) -> Frame {
        var frame = self
        frame.timestamps = timestamps.map { t in rows.map { t[$0] } }
        frame.columns = columns.map { column in
            Column(name: column.name, kind: column.kind,
                   values: column.kind != .text ? rows.map { column.values[$0] } : [],
                   missing: column.missing.selecting(rows), categories: column.categories)
        }
        frame.source = source.map { s in
            var s = s
            s.lines = rows.map { $0 < s.lines.count ? s.lines[$0] : 0 }
            return s
        }
        frame.rowCount = rows.count
        return frame
    }

    /// The first `count` rows.
    public func prefix(_ count: Int) -> Frame { rows(0..<min(count, rowCount)) }

    /// The grid of the timestamps: the inferred step and its gaps (`index` without timestamps).
    public var frequencyReport: FrequencyReport {
        guard let timestamps else {
            return FrequencyReport(frequency: .index, gaps: [], offGridSteps: 0)
        }
        return FrequencyReport(timestamps: timestamps)
    }
}

extension FrequencyReport {
    init(frequency: Frequency?, gaps: [Gap], offGridSteps: Int) {
        self.frequency = frequency
        self.gaps = gaps
        self.offGridSteps = offGridSteps
    }
}
