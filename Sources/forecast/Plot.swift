import ArgumentParser
import Backtesting
import Foundation
import Neural
import Storage
import Support

/// `forecast plot`: a stored run as an SVG: actuals against the forecasts of chosen
/// origins (with their intervals), and each model's error by horizon step. `predict` runs
/// (which hold no actuals) are drawn against a file of what arrived later (`--actuals`).
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a stored run as SVG: actuals against forecasts at chosen origins, and error by horizon step.",
        discussion: """
            A backtest run holds its actuals. A predict run (`predict --db`, `update --db`) is drawn \
            against --actuals FILE, a CSV file with the run's target column and the time column, \
            matched by time; several predict runs (--run 1,2,3) share one chart.
            """)

    @Option(help: "The SQLite store.")
    var db: String

    @Option(name: .customLong("run"), help: "The run id (see `forecast runs`); with --actuals, predict runs comma-separated.",
            transform: { text in try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let id = Int64(part), id >= 1 else { throw ValidationError("--run takes run ids from 1, got \"\(part)\".") }
                return id
            } })
    var runIDs: [Int64]

    @Option(help: "A CSV file with the values that arrived after a predict run's forecast (its target and time columns).")
    var actuals: String?

    @Option(name: [.customShort("o"), .long], help: "The SVG file to write.")
    var output: String

    @Option(help: "Origin numbers to draw, comma-separated (default: the last and up to two before it, a horizon apart).",
            transform: { text in try text.split(separator: ",").map { part in
                guard let k = Int(part), k >= 1 else { throw ValidationError("--origins takes origin numbers from 1, got \"\(part)\".") }
                return k
            } })
    var origins: [Int]?

    @Option(help: "The series to draw (default: the first).")
    var series: String?

    @Option(help: "Models to draw, comma-separated (default: all).", transform: { $0.split(separator: ",").map(String.init) })
    var models: [String]?

    @Option(help: "The error by step to draw: \(Metric.point.map(\.name).joined(separator: ", ")).")
    var metric = Metric.mae.name

    @Flag(help: "Draw how well the intervals held instead: nominal against empirical coverage per level, and coverage by horizon step, for every model of the run that has intervals.")
    var calibration = false

    @Option(help: "A covariate of a backtest run (a column of its data, such as one known in advance) to draw under the forecasts, on the same time axis; its data are read again from the run's path and directory.")
    var covariate: String?

    func validate() throws {
        if !Metric.point.contains(where: { $0.name == metric }) {
            throw ValidationError("--metric takes \(Metric.point.map(\.name).joined(separator: ", ")).")
        }
    }

    func run() throws {
        let store = try Store.reading(db)
        let runs = try runIDs.map { try requireRun($0, in: store, db: db) }
        if let actuals {
            if covariate != nil {
                throw CommandError(message: "--covariate draws a column of a backtest run's data; with --actuals it has none", code: ExitStatus.usage)
            }
            try plotPredictions(runs, of: store, against: actuals)
            return
        }
        guard let runRow = runs.first, runs.count == 1 else {
            throw CommandError(message: "--run takes one run, or several predict runs with --actuals", code: ExitStatus.usage)
        }
        if calibration { return try plotCalibration(runRow, of: store) }
        let runID = runRow.id
        let config = JSONValue.parse(runRow.configJSON)
        // A panel's run (its aggregate rows have no series): by default the worst series by
        // the first model's MASE above, the aggregate's error by step below.
        let allMetrics = try store.metrics(run: runID)
        let panelSeries = Set(allMetrics.compactMap(\.series)).count
        let aggregate = series == nil && allMetrics.contains { $0.series == nil }
        let worst = aggregate ? Plot.worstSeries(allMetrics, model: config?["models"]?.array?.first?.string) : nil
        var forecasts = try store.forecasts(run: runID, series: series ?? worst)
        let name = series ?? worst ?? forecasts.first?.series ?? ""
        forecasts = forecasts.filter { $0.series == name }
        guard !forecasts.isEmpty else {
            throw CommandError(message: "\(db): run \(runID) has no forecasts of series \"\(name)\"",
                               code: series == nil ? ExitStatus.dataError : ExitStatus.usage)
        }
        var modelNames = (config?["models"]?.array?.compactMap(\.string) ?? []).filter { m in forecasts.contains { $0.model == m } }
        for row in forecasts where !modelNames.contains(row.model) { modelNames.append(row.model) }
        if let models {
            for model in models where !modelNames.contains(model) {
                throw CommandError(message: "\(db): run \(runID) has no model \"\(model)\" (it has \(modelNames.joined(separator: ", ")))",
                                   code: ExitStatus.usage)
            }
            modelNames = models
        }
        let gap = config?["gap"]?.number.map { Int($0) } ?? 0
        let originRows = Dictionary(try store.origins(run: runID, series: name).map { ($0.origin, $0) },
                                    uniquingKeysWith: { a, _ in a })
        /// The series row a forecast is for (its step when the run has no origin table).
        func x(_ row: Store.ForecastRow) -> Double {
            guard let origin = originRows[row.origin] else { return Double(row.step) }
            return Double(origin.trainLength + gap + row.step - 1)
        }
        let available = Set(forecasts.map(\.origin)).sorted()
        let horizon = forecasts.map(\.step).max() ?? 1
        let chosen = try origins.map { list in
            for k in list where !available.contains(k) {
                throw CommandError(message: "\(db): run \(runID) has no origin \(k) (it has 1 to \(available.last ?? 0))", code: ExitStatus.usage)
            }
            return list
        } ?? defaultOrigins(available, horizon: horizon, rows: originRows)

        var labels: [Int: String] = [:], actuals: [Int: Double] = [:]
        for row in forecasts {
            let at = Int(x(row))
            if let time = row.targetTime { labels[at] = time }
            if let actual = row.actual { actuals[at] = actual }
        }
        let which = worst == nil ? name : "\(name) (the worst of \(panelSeries) series by MASE)"
        var top = SVGChart.Panel(title: "\(which): forecasts at origin\(chosen.count == 1 ? "" : "s") \(chosen.map(String.init).joined(separator: ", ")) (run \(runID))",
                                 xLabel: labels.isEmpty ? "row" : "time", yLabel: runRow.target)
        top.tightX = true
        top.xTickLabel = Plot.timeLabel(labels)
        if !actuals.isEmpty {
            top.lines.append(SVGChart.Line(label: "actual", points: actuals.keys.sorted().map { (Double($0), actuals[$0]!) },
                                           color: "#222", width: 1.2))
        }
        for (m, model) in modelNames.enumerated() {
            let color = SVGChart.palette[m % SVGChart.palette.count]
            for (i, origin) in chosen.enumerated() {
                let rows = forecasts.filter { $0.model == model && $0.origin == origin }.sorted { $0.step < $1.step }
                if rows.contains(where: { $0.lower != nil && $0.upper != nil }) {
                    top.bands.append(SVGChart.Band(points: rows.compactMap { r in
                        guard let lower = r.lower, let upper = r.upper else { return nil }
                        return (x(r), lower, upper)
                    }, color: color))
                }
                top.lines.append(SVGChart.Line(label: i == 0 ? model : nil, points: rows.map { (x($0), $0.forecast) },
                                               color: color, dashed: true, width: 1.6))
            }
        }
        var panels = [top]
        if let covariate {
            panels.append(try covariatePanel(covariate, run: runRow, series: name, rows: Set(forecasts.filter { chosen.contains($0.origin) }.map { Int(x($0)) }),
                                             labels: labels))
        }
        let metrics = allMetrics.filter { $0.series == (aggregate ? nil : name) && $0.metric == metric && $0.step != nil }
        if !metrics.isEmpty {
            let over = aggregate ? ", the mean over \(panelSeries) series" : ""
            var bottom = SVGChart.Panel(title: "\(metric.uppercased()) by horizon step\(over)", xLabel: "step h", yLabel: metric)
            bottom.integerX = true
            for (m, model) in modelNames.enumerated() {
                let rows = metrics.filter { $0.model == model }.sorted { $0.step! < $1.step! }  // steps are non-nil here
                bottom.lines.append(SVGChart.Line(label: model, points: rows.map { (Double($0.step!), $0.value ?? .nan) },
                                                  color: SVGChart.palette[m % SVGChart.palette.count], markers: true))
            }
            panels.append(bottom)
        }
        try writeAtomically(SVGChart(panels: panels).rendered(), to: output)
        print("wrote \(output)")
    }

    /// A panel with column `name` of the run's data for series `series` on `rows` (and the
    /// rows between them), under the forecasts on the same time axis.
    func covariatePanel(_ name: String, run: Store.RunRow, series: String, rows: Set<Int>, labels: [Int: String]) throws
        -> SVGChart.Panel
    {
        guard run.kind == .backtest else {
            throw CommandError(message: "\(db): run \(run.id) is a \(run.kind) run; --covariate draws a backtest run's data", code: ExitStatus.usage)
        }
        let here = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
        let command = try BacktestCommand.stored(run, db: db)
        var data = command.data
        data.columns = [name]
        data.target = nil
        let frames = try data.read(warnIrregular: false)
        guard let frame = frames.first(where: { $0.displayName == series }) ?? (frames.count == 1 ? frames.first : nil) else {
            throw CommandError(message: "\(run.dataset): no series \"\(series)\" in the run's data")
        }
        let values = try frame.values(of: name)
        let span = (rows.min() ?? 0)...min(rows.max() ?? 0, values.count - 1)
        var panel = SVGChart.Panel(title: "\(name) (\(Self.role(of: name, in: command)))", xLabel: labels.isEmpty ? "row" : "time",
                                   yLabel: name)
        panel.tightX = true
        panel.xTickLabel = Plot.timeLabel(labels)
        panel.lines.append(SVGChart.Line(label: name, points: span.compactMap { values[$0].isNaN ? nil : (Double($0), values[$0]) },
                                         color: "#555", width: 1.2))
        return panel
    }

    /// How the run used column `name`: known in advance, past covariate, or not a model input.
    static func role(of name: String, in command: BacktestCommand) -> String {
        if command.model.futureCovariates.contains(name) { return "known in advance" }
        if command.model.covariates.contains(name) { return "past covariate" }
        return "not a model input"
    }

    /// The series of the highest overall MASE of `model` (the run's first model; NaN last).
    static func worstSeries(_ metrics: [Store.MetricRow], model: String?) -> String? {
        let rows = metrics.filter { $0.series != nil && $0.step == nil && $0.metric == Metric.mase.name && $0.model == (model ?? $0.model) }
        return rows.max { a, b in
            let x = a.value ?? .nan, y = b.value ?? .nan
            return x.isNaN ? !y.isNaN : (!y.isNaN && x < y)
        }?.series
    }

    /// The last origin and up to two before it, about a horizon apart (so they do not overlap).
    func defaultOrigins(_ available: [Int], horizon: Int, rows: [Int: Store.OriginRow]) -> [Int] {
        guard let last = available.last else { return [] }
        var step = 1
        if available.count > 1, let a = rows[available[available.count - 2]], let b = rows[last] {
            step = max(1, b.trainLength - a.trainLength)
        }
        let apart = max(1, (horizon + step - 1) / step)
        return [last - 2 * apart, last - apart, last].filter { available.contains($0) }
    }

    /// Tick labels from the times of some rows: the nearest row's time, to the minute (the
    /// date alone for midnights and dates).
    static func timeLabel(_ labels: [Int: String]) -> (Double) -> String {
        { value in
            let at = Int(value.rounded())
            guard let label = labels[at] ?? labels.min(by: { abs($0.key - at) < abs($1.key - at) })?.value else {
                return String(at)
            }
            return String(label.prefix(label.contains("T00:00:00") || label.count <= 10 ? 10 : 16))
        }
    }
}
