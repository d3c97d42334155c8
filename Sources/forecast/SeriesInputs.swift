import Forecasting
import Foundation
import Ingestion
import TimeSeries

/// The model inputs of the frames read, by role: each series' target and covariates
/// (`SeriesData`, missing values by the policy), its static covariates encoded
/// (`StaticEncoding`: fitted here, or a model file's), and for a forecast the values of the
/// covariates known in advance for the steps it forecasts.
struct SeriesInputs {
    var series: [SeriesData]
    /// How the static covariates are encoded (nil without them).
    var encoding: StaticEncoding?

    /// The inputs of `frames`: target `target`, covariates by `roles`, missing values by
    /// `policy`; static covariates from the frames (constant within each series) or from the
    /// `--static` table of `data`, encoded by `encoding` (a model file's) or by one fitted on
    /// them.
    static func make(_ frames: [Frame], target: String, roles: CovariateRoles, policy: MissingPolicy, data: DataOptions,
                     encoding given: StaticEncoding? = nil) throws -> SeriesInputs {
        var encoding = given
        var statics: [[Double]] = Array(repeating: [], count: frames.count)
        if !roles.statics.isEmpty {
            let values = try staticValues(frames, roles: roles, data: data)
            let fitted = encoding ?? StaticEncoding(names: roles.statics, categorical: Set(roles.categorical), values: values)
            encoding = fitted
            statics = try zip(frames, values).map { frame, row in
                do { return try fitted.encode(row) } catch {
                    throw CommandError(message: "\(data.sourceName): series \"\(frame.displayName)\": static covariate \(error)")
                }
            }
        }
        let names = encoding?.featureNames ?? []
        let series = try zip(frames, statics).map { frame, encoded in
            var s = try SeriesData(frame: frame, target: target, covariates: roles.past, futureCovariates: roles.future, policy: policy)
            s.staticCovariates = encoded
            s.staticCovariateNames = names
            return s
        }
        return SeriesInputs(series: series, encoding: encoding)
    }

    /// Each frame's value of each static covariate (in the order of `roles.statics`): from
    /// the `--static` table, or from the frames' columns, which must be constant within each
    /// series (a static covariate that varies is an error naming the series and both lines).
    static func staticValues(_ frames: [Frame], roles: CovariateRoles, data: DataOptions) throws -> [[StaticEncoding.Value]] {
        if let table = data.staticTable {
            let selection = ColumnSelection(noTimeColumn: true, columns: roles.statics, seriesColumn: data.seriesColumn)
            var tableSelection = selection
            tableSelection.categorical = Set(roles.categorical)
            let rows = try CSVReader(selection: tableSelection).read(path: table)
            var byName: [String: Frame] = [:]
            for row in rows {
                guard row.rowCount == 1 else {
                    throw CommandError(message: "\(row.source?.location(row: 1, column: nil) ?? table): series \"\(row.displayName)\" has \(row.rowCount) rows in the static table; one per series")
                }
                byName[row.series ?? ""] = row
            }
            return try frames.map { frame in
                guard let row = byName[frame.displayName] else {
                    throw CommandError(message: "\(table): no row for series \"\(frame.displayName)\" (the static table has \(byName.count) series)")
                }
                return try roles.statics.map { name in try value(of: name, in: row, rows: 0..<1, series: frame.displayName) }
            }
        }
        return try frames.map { frame in
            try roles.statics.map { name in try value(of: name, in: frame, rows: 0..<frame.rowCount, series: frame.displayName) }
        }
    }

    /// The one value of column `name` on `rows` of `frame` (missing when none is observed).
    static func value(of name: String, in frame: Frame, rows: Range<Int>, series: String) throws -> StaticEncoding.Value {
        let column = try frame.column(named: name)
        guard column.kind != .text else {
            throw CommandError(message: "\(frame.source?.file ?? series): static covariate \"\(name)\" holds text: name it in --categorical too")
        }
        var first: Int?
        for row in rows where !column.values[row].isNaN {
            guard let seen = first else {
                first = row
                continue
            }
            if column.values[row] != column.values[seen] {
                func shown(_ row: Int) -> String {
                    column.kind == .label ? "\"\(column.categories[Int(column.values[row])])\"" : "\(column.values[row])"
                }
                let here = frame.source?.location(row: row, column: name) ?? "row \(row + 1)"
                let there = frame.source?.lines[seen].description ?? "\(seen + 1)"
                throw CommandError(message: "\(here): series \"\(series)\": static covariate \"\(name)\" is \(shown(row)) here but \(shown(seen)) on line \(there); a static covariate has one value per series")
            }
        }
        guard let first else { return .missing }
        return column.kind == .label ? .label(column.categories[Int(column.values[first])]) : .number(column.values[first])
    }

    /// The row of `frame`'s last observed target (an error when it has none).
    static func lastObserved(_ frame: Frame, target: String, source: String) throws -> Int {
        guard let last = try frame.values(of: target).lastIndex(where: { !$0.isNaN }) else {
            throw CommandError(message: "\(source): series \"\(frame.displayName)\" has no observed \(target)")
        }
        return last
    }

    /// The frames cut to their history (the rows up to the last observed target) when the
    /// model has covariates known in advance: the rows after it hold a forecast's known
    /// values, not history. Without them the frames are kept whole.
    static func history(_ frames: [Frame], target: String, roles: CovariateRoles, source: String) throws -> [Frame] {
        guard !roles.future.isEmpty else { return frames }
        return try frames.map { $0.rows(0...(try lastObserved($0, target: target, source: source))) }
    }

    /// The frames cut to their history for a forecast (the rows up to the last observed
    /// target) and each one's values of the covariates known in advance for the `horizon`
    /// steps after it: from the rows after the history in the same frame (target empty, known
    /// inputs filled, as NeuralForecast's `futr_df`), or from `future` (`--future FILE`, the same
    /// series and columns). A missing value is an error naming the first missing step, its
    /// series and how many are missing (exit 65).
    static func splitFuture(_ frames: [Frame], target: String, roles: CovariateRoles, horizon: Int, frequency: Frequency,
                            future: [Frame]?, source: String) throws -> (history: [Frame], futures: [FutureInputs]) {
        guard !roles.future.isEmpty else { return (frames, Array(repeating: .none, count: frames.count)) }
        var history: [Frame] = [], futures: [FutureInputs] = []
        let byName = Dictionary((future ?? []).map { ($0.displayName, $0) }, uniquingKeysWith: { a, _ in a })
        for frame in frames {
            let last = try lastObserved(frame, target: target, source: source)
            history.append(frame.rows(0...last))
            // Where the known values come from: the rows after the history, or the future file's series.
            let rows: Frame, from: String
            if let future {
                guard let match = byName[frame.displayName] ?? (future.count == 1 && frames.count == 1 ? future[0] : nil) else {
                    throw CommandError(message: "\(future.first?.source?.file ?? "--future"): no rows for series \"\(frame.displayName)\"")
                }
                rows = match
                from = match.source?.file ?? "--future"
            } else {
                rows = frame.rows((last + 1)..<frame.rowCount)
                from = source
            }
            // Step h of the forecast: the row at the time h grid steps after the last observed one
            // (the next rows when there is no time column).
            let lastTime = frame.timestamps?[last]
            let rowAt: [Timestamp: Int] = Dictionary(
                (rows.timestamps ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            var columns: [[Double]] = [], missing: [(step: Int, column: String)] = []
            for name in roles.future {
                let values = (try? rows.values(of: name)) ?? Array(repeating: .nan, count: rows.rowCount)
                columns.append((1...horizon).map { h in
                    let row = lastTime.map { rowAt[frequency.advance($0, by: h)] } ?? (h - 1 < rows.rowCount ? h - 1 : nil)
                    let value = row.map { values[$0] } ?? .nan
                    if value.isNaN { missing.append((h, name)) }
                    return value
                })
            }
            if let first = missing.min(by: { $0.step < $1.step }) {
                let when = lastTime.map { frequency.advance($0, by: first.step).formatted(frame.timestampStyle) } ?? "step \(first.step)"
                let which = frame.series.map { "series \"\($0)\": " } ?? ""
                throw CommandError(message: "\(from): \(which)the covariates known in advance need values for the \(horizon) steps after the last observed \(target); \(missing.count) of \(horizon * roles.future.count) are missing, the first at \(when) (\(first.column))")
            }
            futures.append(FutureInputs(covariates: columns))
        }
        return (history, futures)
    }
}
