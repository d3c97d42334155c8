import Foundation
import ArgumentParser
import Forecasting
import Ingestion
import TimeSeries

/// Where the series come from and which columns are what; shared by every subcommand that reads data.
struct DataOptions: ParsableArguments {
    @Argument(help: "The CSV file to read (or use --sqlite).")
    var file: String?

    @Option(help: "Read from this SQLite database (opened read-only) instead of a CSV file.")
    var sqlite: String?

    @Option(help: "With --sqlite: the table to read.")
    var table: String?

    @Option(help: "With --sqlite: a read-only SELECT whose rows are the data.")
    var sql: String?

    @Option(help: "The time column (default: one named timestamp, time, date, datetime or ds, else the first column if it holds dates).")
    var timeColumn: String?

    @Flag(help: "The file has no time column: the row index is the time axis.")
    var noTimeColumn = false

    @Option(help: "The column to forecast.")
    var target: String?

    @Option(help: "Further columns to read, comma-separated (covariates).", transform: { $0.split(separator: ",").map(String.init) })
    var columns: [String]?

    @Option(help: "Long format: the column that holds the series id.")
    var seriesColumn: String?

    @Option(help: "The field separator: comma, semicolon or tab (default: guessed from the header).")
    var delimiter: Delimiter?

    @Flag(help: "Sort rows by time instead of rejecting rows out of order.")
    var sort = false

    @Option(name: .customLong("static"),
            help: "A CSV table of static covariates, one row per series: the --series-column and the --static-covariates columns (instead of columns constant within each series of the data).")
    var staticTable: String?

    func validate() throws {
        switch (file, sqlite) {
        case (nil, nil): break  // `read` says so: `backtest --resume` needs no data flags
        case (.some, .some): throw ValidationError("Give either a CSV file or --sqlite, not both.")
        case (nil, .some):
            if (table == nil) == (sql == nil) { throw ValidationError("With --sqlite, give either --table or --sql.") }
        case (.some, nil):
            if table != nil || sql != nil { throw ValidationError("--table and --sql go with --sqlite.") }
        }
        if noTimeColumn && timeColumn != nil { throw ValidationError("--no-time-column and --time-column exclude each other.") }
        if staticTable != nil && seriesColumn == nil { throw ValidationError("--static gives one row per series: it goes with --series-column.") }
    }

    /// The columns to read, with the covariates a model gives roles to (static ones from the
    /// data unless `--static` holds them).
    func selection(roles: CovariateRoles = CovariateRoles()) -> ColumnSelection {
        var selection = ColumnSelection(timeColumn: timeColumn, noTimeColumn: noTimeColumn, target: target, columns: columns,
                                        seriesColumn: seriesColumn, sort: sort)
        let named = [("--covariates", roles.past), ("--future-covariates", roles.future),
                     ("--static-covariates", staticTable == nil ? roles.statics : [])]
        selection.roles = named.filter { !$0.1.isEmpty }.map { ColumnSelection.Role(flag: $0.0, columns: $0.1) }
        if staticTable == nil { selection.categorical = Set(roles.categorical) }
        return selection
    }

    /// The name of the input for messages and reports.
    var sourceName: String { file ?? sqlite ?? "" }

    /// The source the flags name: a CSV file or a SQLite table or query.
    var source: (any SeriesSource)? {
        if let sqlite { return SQLiteSource(database: sqlite, rows: table.map { .table($0) } ?? .query(sql ?? "")) }
        return file.map { CSVSource(path: $0, delimiter: delimiter?.byte) }
    }

    /// Reads `--future FILE`: rows that continue the series (for a panel with the series
    /// column) with the covariates known in advance, no target.
    func readFuture(_ path: String, roles: CovariateRoles) throws -> [Frame] {
        let selection = ColumnSelection(timeColumn: timeColumn, noTimeColumn: noTimeColumn, columns: roles.future,
                                        seriesColumn: seriesColumn, sort: sort)
        return try CSVSource(path: path, delimiter: delimiter?.byte).read(selection, notice: printNotice)
    }

    /// Reads the frames (one per series), with the columns `roles` names (a column named for
    /// two roles is a usage error). With `warnIrregular`, an irregular grid gets a warning on
    /// stderr naming its first step off the grid (the first such series of a panel).
    func read(roles: CovariateRoles = CovariateRoles(), warnIrregular: Bool = true) throws -> [Frame] {
        guard let source else {
            throw CommandError(message: "give a CSV file or --sqlite DB (see --help)", code: ExitStatus.usage)
        }
        let frames = try source.read(selection(roles: roles), notice: printNotice)
        if warnIrregular {
            let notes = frames.compactMap { $0.irregularGridNote }
            if let note = notes.first {
                let more = notes.count - 1
                let rest = more > 0 ? " (and \(more) more series)" : ""
                FileHandle.standardError.write(Data("forecast: warning: \(note)\(rest); forecast times follow the grid\n".utf8))
            }
        }
        return frames
    }
}

extension Frame {
    /// One sentence on an irregular grid, naming where its first step off the grid ends; nil
    /// when every step is a whole number of grid steps.
    var irregularGridNote: String? {
        let report = frequencyReport
        guard let t = timestamps, let frequency = report.frequency, let i = report.firstOffGridRow else { return nil }
        let location = source?.location(row: i, column: nil) ?? displayName
        var note = "\(location): \(t[i].formatted(timestampStyle)) is not a whole number of \(frequency.name) steps after "
            + "\(t[i - 1].formatted(timestampStyle)); \(report.offGridSteps) of \(t.count - 1) steps are off the grid (irregular)"
        if timestampStyle == .utc {
            note += "; times with a UTC offset are compared in UTC, where a daylight-saving change moves a local time by an hour"
        }
        return note
    }
}

enum Delimiter: String, ExpressibleByArgument, CaseIterable {
    case comma, semicolon, tab
    init?(argument: String) {
        switch argument {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "\t", "\\t", "tab": self = .tab
        default: return nil
        }
    }
    var byte: UInt8 {
        switch self {
        case .comma: 0x2c
        case .semicolon: 0x3b
        case .tab: 0x09
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Prints a note on stderr (`forecast: note: ...`): something the user should know that is
/// not an error.
@Sendable func printNotice(_ sentence: String) {
    FileHandle.standardError.write(Data("forecast: note: \(terminalSafe(sentence))\n".utf8))
}

