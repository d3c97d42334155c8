import Foundation
import Ingestion
import Storage
import TimeSeries

/// `plot --actuals`: predict runs, which hold no actuals, against the values that arrived.
extension Plot {
    /// Predict runs against the values in `path`: the actuals from three horizons before the
    /// first forecast to the end of the last, each run's forecast and interval, and each
    /// run's absolute error by horizon step. Prints each run's error over the steps that
    /// have actuals.
    func plotPredictions(_ runs: [Store.RunRow], of store: Store, against path: String) throws {
        for run in runs where run.kind != .predict {
            throw CommandError(message: "\(db): run \(run.id) is a \(run.kind) run; --actuals goes with predict runs (a backtest holds its actuals)",
                               code: ExitStatus.usage)
        }
        let target = runs[0].target
        if let other = runs.first(where: { $0.target != target }) {
            throw CommandError(message: "\(db): run \(other.id) forecasts \(other.target), run \(runs[0].id) \(target)", code: ExitStatus.usage)
        }
        let frames = try CSVReader(selection: ColumnSelection(target: target)).read(path: path)
        guard let frame = frames.first, let stamps = frame.timestamps else {
            throw CommandError(message: "\(path): no time column; --actuals is matched to the forecasts by time", code: ExitStatus.dataError)
        }
        let values = try frame.values(of: target)
        let rowOf = Dictionary(stamps.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

        var drawn: [(run: Store.RunRow, rows: [Store.ForecastRow], origin: Int)] = []
        for run in runs {
            let all = try store.forecasts(run: run.id, series: series)
            let name = series ?? all.first?.series ?? ""
            let rows = all.filter { $0.series == name }.sorted { $0.step < $1.step }
            guard let first = rows.first else {
                throw CommandError(message: "\(db): run \(run.id) has no forecasts of series \"\(name)\"",
                                   code: series == nil ? ExitStatus.dataError : ExitStatus.usage)
            }
            guard let time = first.originTime, let (origin, _) = Timestamp.parse(time) else {
                throw CommandError(message: "\(db): run \(run.id) has no forecast times (its data had no time column)", code: ExitStatus.dataError)
            }
            guard let at = rowOf[origin] else {
                throw CommandError(message: "\(path): no row at \(time), the last time run \(run.id) had seen", code: ExitStatus.dataError)
            }
            drawn.append((run, rows, at))
        }
        let horizon = drawn.map { $0.rows.count }.max() ?? 1
        let from = max(0, (drawn.map(\.origin).min() ?? 0) + 1 - 3 * horizon)
        let to = min(values.count - 1, (drawn.map { $0.origin + $0.rows.count }.max() ?? 0))
        var labels: [Int: String] = [:]
        for i in from...to { labels[i] = stamps[i].formatted(frame.timestampStyle) }

        let runList = drawn.map { String($0.run.id) }.joined(separator: ", ")
        var top = SVGChart.Panel(title: "\(series ?? target): forecast\(drawn.count == 1 ? "" : "s") of run\(drawn.count == 1 ? "" : "s") \(runList) against \((path as NSString).lastPathComponent)",
                                 xLabel: "time", yLabel: target)
        top.tightX = true
        top.xTickLabel = Plot.timeLabel(labels)
        top.lines.append(SVGChart.Line(label: "actual", points: (from...to).map { (Double($0), values[$0]) }, color: "#222", width: 1.2))
        var bottom = SVGChart.Panel(title: "absolute error by horizon step", xLabel: "step h", yLabel: "|forecast - actual|")
        bottom.integerX = true
        for (i, (run, rows, origin)) in drawn.enumerated() {
            let color = SVGChart.palette[i % SVGChart.palette.count]
            let label = drawn.count == 1 ? rows[0].model : "run \(run.id)"
            // The row of each forecast's time, or (past the file's end) the origin's row plus its step.
            let placed = rows.map { r in
                (row: r, at: r.targetTime.flatMap { Timestamp.parse($0)?.0 }.flatMap { rowOf[$0] } ?? origin + r.step)
            }
            let points = placed.map { (x: Double($0.at), row: $0.row) }
            if rows.contains(where: { $0.lower != nil && $0.upper != nil }) {
                top.bands.append(SVGChart.Band(points: points.compactMap { p in
                    guard let lower = p.row.lower, let upper = p.row.upper else { return nil }
                    return (p.x, lower, upper)
                }, color: color))
            }
            top.lines.append(SVGChart.Line(label: label, points: points.map { ($0.x, $0.row.forecast) }, color: color,
                                           dashed: true, width: 1.6))
            let known = placed.compactMap { r, at -> (step: Int, error: Double, inside: Bool?)? in
                guard at < values.count, values[at].isFinite else { return nil }
                let inside = r.lower.flatMap { lower in r.upper.map { lower <= values[at] && values[at] <= $0 } }
                return (r.step, abs(r.forecast - values[at]), inside)
            }
            bottom.lines.append(SVGChart.Line(label: label, points: known.map { (Double($0.step), $0.error) }, color: color,
                                              markers: true))
            var summary = "run \(run.id): \(known.count) of \(rows.count) steps have actuals"
            if !known.isEmpty {
                summary += ", MAE \(formatNumber(known.map(\.error).reduce(0, +) / Double(known.count)))"
                let inside = known.compactMap(\.inside)
                if !inside.isEmpty { summary += ", \(inside.filter { $0 }.count) inside the interval" }
            }
            print(summary)
        }
        try writeAtomically(SVGChart(panels: bottom.lines.allSatisfy(\.points.isEmpty) ? [top] : [top, bottom]).rendered(), to: output)
        print("wrote \(output)")
    }
}
