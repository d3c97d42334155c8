import ArgumentParser
import Neural
import Support
import TimeSeries

/// `forecast inspect`: what is in a file: rows, span, frequency, gaps, columns and their statistics.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show rows, span, inferred frequency, gaps and per-column statistics of a data source.")

    @OptionGroup var data: DataOptions
    /// The roles a forecaster would give the columns (shown per column).
    @OptionGroup var columnRoles: RoleOptions

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Gaps to list by timestamp (all are counted).")
    var maxGaps = 5

    func validate() throws {
        if format == .csv { throw ValidationError("inspect prints table or json.") }
    }

    func run() throws {
        let frames = try data.read(roles: columnRoles.roles, warnIrregular: false)
        switch format {
        case .json:
            let series = frames.map { json(for: $0) }
            print(JSONValue.object([("source", .string(data.sourceName)), ("series", .array(series))]).rendered())
        case .table, .csv:
            print(frames.map(table(for:)).joined(separator: "\n\n"))
        }
    }

    private func span(_ frame: Frame) -> (String, String)? {
        guard let t = frame.timestamps, let first = t.first, let last = t.last else { return nil }
        return (first.formatted(frame.timestampStyle), last.formatted(frame.timestampStyle))
    }

    private func frequencyText(_ report: FrequencyReport) -> String {
        guard let frequency = report.frequency else { return "unknown (fewer than two rows)" }
        if frequency == .index { return "row index (no time column)" }
        var text = "\(frequency.name) (inferred)"
        if report.gaps.isEmpty {
            text += ", no gaps"
        } else {
            text += ", \(report.gaps.count) gap\(report.gaps.count == 1 ? "" : "s") (\(report.missingSteps) missing step\(report.missingSteps == 1 ? "" : "s"))"
        }
        if report.offGridSteps > 0 { text += ", \(report.offGridSteps) steps off the grid (irregular)" }
        return text
    }

    private func table(for frame: Frame) -> String {
        let report = frame.frequencyReport
        var lines: [String] = []
        lines.append(terminalSafe(frame.series.map { "series \($0) (\(data.sourceName))" } ?? data.sourceName))
        var facts: [(String, String)] = [("rows", String(frame.rowCount))]
        if let (start, end) = span(frame) { facts.append(("span", "\(start) .. \(end)")) }
        facts.append(("frequency", frequencyText(report)))
        if let note = frame.irregularGridNote { facts.append(("  first", note)) }
        for gap in report.gaps.prefix(maxGaps) {
            facts.append(("  gap", "\(gap.missingSteps) step\(gap.missingSteps == 1 ? "" : "s") after \(gap.after.formatted(frame.timestampStyle))"))
        }
        if report.gaps.count > maxGaps { facts.append(("  ...", "\(report.gaps.count - maxGaps) more gaps")) }
        if let future = futureRows(frame) { facts.append(("future rows", future)) }
        let width = facts.map(\.0.count).max() ?? 0
        lines += facts.map { "  " + $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + terminalSafe($0.1) }
        // The role column when a target or a role is named.
        let roles = showsRoles ? ["role"] : []
        var columns = TextTable(header: ["column"] + roles + ["type", "missing", "min", "mean", "max"],
                                rightAligned: Set((2...5).map { $0 + roles.count }))
        for column in frame.columns {
            let s = column.summary
            columns.rows.append([column.name] + (showsRoles ? [role(of: column.name)] : []) + [column.kind.rawValue, String(column.missing.missingCount),
                                 s.map { formatNumber($0.min) } ?? "-", s.map { formatNumber($0.mean) } ?? "-",
                                 s.map { formatNumber($0.max) } ?? "-"])
        }
        lines.append("")
        lines.append(columns.rendered(indent: "  "))
        return lines.joined(separator: "\n")
    }

    private func json(for frame: Frame) -> JSONValue {
        let report = frame.frequencyReport
        let (start, end) = span(frame).map { (JSONValue.string($0.0), JSONValue.string($0.1)) } ?? (.null, .null)
        let gaps = report.gaps.map { gap in
            JSONValue.object([("after", .string(gap.after.formatted(frame.timestampStyle))),
                         ("missing_steps", .integer(gap.missingSteps))])
        }
        let columns = frame.columns.map { column in
            let s = column.summary
            return JSONValue.object([
                ("name", .string(column.name)), ("role", .string(role(of: column.name))), ("type", .string(column.kind.rawValue)),
                ("missing", .integer(column.missing.missingCount)),
                ("min", .finite(s?.min)), ("mean", .finite(s?.mean)), ("max", .finite(s?.max)),
            ])
        }
        return .object([
            ("series", frame.series.map(JSONValue.string) ?? .null),
            ("rows", .integer(frame.rowCount)),
            ("start", start), ("end", end),
            ("frequency", report.frequency.map { .string($0.name) } ?? .null),
            ("gap_count", .integer(report.gaps.count)),
            ("missing_steps", .integer(report.missingSteps)),
            ("off_grid_steps", .integer(report.offGridSteps)),
            ("gaps", .array(gaps)),
            ("future_rows", futureRows(frame).map(JSONValue.string) ?? .null),
            ("columns", .array(columns)),
        ])
    }

    /// Whether a target or a role is named (the table then has a role column).
    var showsRoles: Bool { data.target != nil || !columnRoles.roles.isEmpty }

    /// The role a forecaster would give column `name` with these flags: `target`, `past`,
    /// `future` or `static` covariate, `-` (read, not used).
    func role(of name: String) -> String {
        let roles = columnRoles.roles
        if name == data.target { return "target" }
        if roles.past.contains(name) { return "past" }
        if roles.future.contains(name) { return "future" }
        if roles.statics.contains(name) { return roles.categorical.contains(name) ? "static (categorical)" : "static" }
        return "-"
    }

    /// The rows after the last observed target (`--target`), which hold the values of the
    /// covariates known in advance for a forecast (`predict` reads them): how many, from when
    /// to when; nil when there are none or no target is named.
    func futureRows(_ frame: Frame) -> String? {
        guard let target = data.target, let y = try? frame.values(of: target),
              let last = y.lastIndex(where: { !$0.isNaN }), last + 1 < y.count else { return nil }
        let count = y.count - last - 1
        let span = frame.timestamps.map { " (\($0[last + 1].formatted(frame.timestampStyle)) .. \($0[y.count - 1].formatted(frame.timestampStyle)))" } ?? ""
        return "\(count) after the last observed \(target)\(span): the values of covariates known in advance for a forecast"
    }
}
