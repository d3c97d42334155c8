import ArgumentParser
import Backtesting
import Forecasting
import Neural
import Storage
import Support

/// The per-horizon report of a backtest, for one series: printed by `backtest` and,
/// from the store, by `report`.
struct BacktestReport {
    var series: String
    var origins: Int
    var models: [(name: String, metrics: Metrics)]
    /// For the aggregate over a panel: the series scored at each step (nil: the overall
    /// row), which is every series that has a forecast there; nil for one series' report.
    var seriesCounts: [Int?: Int]?
    var isAggregate: Bool { seriesCounts != nil }

    init(series: String, origins: Int, models: [(name: String, metrics: Metrics)], seriesCounts: [Int?: Int]? = nil) {
        self.series = series
        self.origins = origins
        self.models = models
        self.seriesCounts = seriesCounts
    }

    /// The aggregate of the reports of a panel's series: each model's figures averaged over
    /// the series (`Metrics(averaging:)`), so skill is 1 - mean MASE / mean MASE of seasonal
    /// naive.
    init(aggregating reports: [BacktestReport]) {
        let names = reports.first?.models.map(\.name) ?? []
        let models = names.map { name in
            (name, Metrics(averaging: reports.compactMap { r in r.models.first { $0.name == name }?.metrics }))
        }
        var counts: [Int?: Int] = [:]
        for report in reports {
            for row in report.models.first?.metrics.rows ?? [] where row.n > 0 { counts[row.step, default: 0] += 1 }
        }
        self.init(series: "\(reports.count) series", origins: reports.map(\.origins).max() ?? 0, models: models,
                  seriesCounts: counts)
    }

    /// The seasonal-naive rows that skill is measured against, when that model ran.
    var reference: Metrics? { models.first { $0.name == ModelKind.seasonalNaive.rawValue }?.metrics }

    /// 1 - MASE / MASE of seasonal naive at the same step.
    func skill(_ row: Metrics.Row) -> Double? {
        guard let ref = reference?.rows.first(where: { $0.step == row.step }) else { return nil }
        return 1 - row.mase / ref.mase
    }

    /// The store's metric rows for this report: every figure of every step, `skill` when
    /// seasonal naive ran, and for the aggregate over a panel (`series` nil in the store)
    /// the number of series at each step (`series_count`).
    func metricRows() -> [Store.MetricRow] {
        models.flatMap { name, metrics in
            metrics.rows.flatMap { row in
                let figures = row.named + (skill(row).map { [("skill", $0)] } ?? [])
                    + (seriesCounts.map { [("series_count", Double($0[row.step] ?? 0))] } ?? [])
                return figures.map { Store.MetricRow(model: name, series: isAggregate ? nil : series, step: row.step,
                                                     metric: $0.metric, value: $0.value, n: row.n) }
            }
        }
    }

    /// Reports from a store's metric rows, by series and model in the order they were
    /// written, and the aggregate over a panel's series (its rows have no series) if stored.
    static func fromStore(_ rows: [Store.MetricRow], origins: [String: Int]) -> (series: [BacktestReport], aggregate: BacktestReport?) {
        var seriesOrder: [String?] = [], modelOrder: [String?: [String]] = [:]
        var figures: [String: [Int?: (n: Int, named: [String: Double])]] = [:]
        var counts: [Int?: Int] = [:]
        for row in rows {
            if row.series == nil && row.metric == "series_count" {
                counts[row.step] = Int(row.value ?? 0)
                continue
            }
            if modelOrder[row.series] == nil { seriesOrder.append(row.series); modelOrder[row.series] = [] }
            // modelOrder[row.series] was set on the line above when missing.
            if !modelOrder[row.series]!.contains(row.model) { modelOrder[row.series]!.append(row.model) }
            let key = "\(row.series ?? "")\u{1}\(row.model)"
            var step = figures[key]?[row.step] ?? (row.n, [:])
            step.named[row.metric] = row.value ?? .nan
            figures[key, default: [:]][row.step] = step
        }
        let reports = seriesOrder.map { series in
            // Every series in seriesOrder has its modelOrder entry (set together above).
            BacktestReport(series: series ?? "", origins: series.map { origins[$0] ?? 0 } ?? (origins.values.max() ?? 0),
                           models: modelOrder[series]!.map { model in
                let steps = figures["\(series ?? "")\u{1}\(model)"] ?? [:]
                let ordered = steps.keys.sorted { ($0 ?? .max) < ($1 ?? .max) }
                // `ordered` holds the keys of `steps`.
                return (model, Metrics(rows: ordered.map { Metrics.Row(step: $0, n: steps[$0]!.n, named: steps[$0]!.named) }))
            }, seriesCounts: series == nil ? counts : nil)
        }
        var aggregate = reports.first { $0.isAggregate }
        aggregate?.series = "\(reports.count - 1) series"
        return (reports.filter { !$0.isAggregate }, aggregate)
    }

    /// The printed report: one series' table; for a panel the aggregate table and the
    /// per-series list (`perSeries`). CSV and JSON hold every series' rows and, for a panel,
    /// the aggregate rows (series empty in CSV, null in JSON, with `series_count`).
    static func render(_ reports: [BacktestReport], aggregate: BacktestReport? = nil, perSeries: PerSeries = .worst(10),
                       run: Int64?, format: OutputFormat) -> String {
        let all = reports + (aggregate.map { [$0] } ?? [])
        switch format {
        case .json:
            let rows = all.flatMap { $0.jsonRows() }
            return JSONValue.object([("run", run.map { .integer(Int($0)) } ?? .null), ("metrics", .array(rows))]).rendered()
        case .csv:
            let names = all.flatMap { r in r.models.flatMap { $0.metrics.rows.first?.named.map(\.metric) ?? [] } }
            var columns: [String] = []
            for name in names where !columns.contains(name) { columns.append(name) }
            let panel = aggregate != nil
            let rows = all.flatMap { report in
                report.models.flatMap { model, metrics in
                    metrics.rows.map { row -> [String] in
                        let named = Dictionary(row.named, uniquingKeysWith: { a, _ in a })
                        return [model, report.isAggregate ? "" : report.series, row.step.map(String.init) ?? "all", String(row.n)]
                            + columns.map { named[$0].map { "\($0)" } ?? "" } + [report.skill(row).map { "\($0)" } ?? ""]
                            + (panel ? [report.seriesCounts.map { String($0[row.step] ?? 0) } ?? ""] : [])
                    }
                }
            }
            return renderRows(header: ["model", "series", "h", "n"] + columns + ["skill"] + (panel ? ["series_count"] : []),
                              rows: rows, numeric: [], format: .csv)
        case .table:
            let footer = run.map { "\nrun \($0)" } ?? ""
            guard let aggregate else { return reports.map { $0.table() }.joined(separator: "\n\n") + footer }
            return aggregate.table() + "\n\n" + perSeriesTable(reports, perSeries) + footer
        }
    }

    /// How many series the printed per-series list of a panel shows (`--per-series`).
    enum PerSeries: Equatable, ExpressibleByArgument, CustomStringConvertible {
        case all, none, worst(Int)

        var description: String {
            switch self {
            case .all: "all"
            case .none: "none"
            case .worst(let n): "worst \(n)"
            }
        }

        init?(argument: String) {
            let parts = argument.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "=" })
            switch parts.first {
            case "all" where parts.count == 1: self = .all
            case "none" where parts.count == 1: self = .none
            case "worst" where parts.count == 1: self = .worst(10)
            case "worst" where parts.count == 2:
                guard let n = Int(parts[1]), n >= 1 else { return nil }
                self = .worst(n)
            default: return nil
            }
        }

        static var help: String { "all, none, or worst N (the N series of the highest MASE)" }
    }

    /// One line per series, worst first by the first model's overall MASE: every model's
    /// overall MASE and, when seasonal naive ran, the first model's skill.
    static func perSeriesTable(_ reports: [BacktestReport], _ perSeries: PerSeries) -> String {
        let shown: Int
        switch perSeries {
        case .none: return "\(reports.count) series (--per-series all lists them)"
        case .all: shown = reports.count
        case .worst(let n): shown = min(n, reports.count)
        }
        func mase(_ report: BacktestReport, _ k: Int) -> Double {
            k < report.models.count ? report.models[k].metrics.overall?.mase ?? .nan : .nan
        }
        // NaN (unscored) sorts last; ties keep the series order.
        let order = reports.enumerated().sorted { a, b in
            let x = mase(a.element, 0), y = mase(b.element, 0)
            if x.isNaN != y.isNaN { return y.isNaN }
            return x != y && !x.isNaN ? x > y : a.offset < b.offset
        }.map(\.element)
        let names = reports.first?.models.map(\.name) ?? []
        let hasSkill = reports.first?.reference != nil && !names.isEmpty
        var table = TextTable(header: ["series"] + names.map { "\($0) MASE" } + (hasSkill ? ["\(names[0]) skill"] : []),
                              rightAligned: Set(1...(names.count + (hasSkill ? 1 : 0))))
        for report in order.prefix(shown) {
            let skill = report.models.first?.metrics.overall.flatMap(report.skill)
            table.rows.append([report.series] + names.indices.map { formatNumber(mase(report, $0), digits: 4) }
                              + (hasSkill ? [skill.map { formatNumber($0, digits: 3) } ?? "-"] : []))
        }
        let title = shown == reports.count ? "per series, worst first by \(names.first ?? "") MASE"
            : "the \(shown) worst of \(reports.count) series by \(names.first ?? "") MASE (--per-series all lists every one)"
        return title + "\n" + table.rendered()
    }

    private func jsonRows() -> [JSONValue] {
        models.flatMap { model, metrics in
            metrics.rows.map { row -> JSONValue in
                var pairs: [(String, JSONValue)] = [
                    ("model", .string(model)), ("series", isAggregate ? .null : .string(series)),
                    ("h", row.step.map(JSONValue.integer) ?? .null), ("n", .integer(row.n)),
                ]
                pairs += row.named.map { ($0.metric, JSONValue.finite($0.value)) }
                if let skill = skill(row) { pairs.append(("skill", .finite(skill))) }
                if let seriesCounts { pairs.append(("series_count", .integer(seriesCounts[row.step] ?? 0))) }
                return .object(pairs)
            }
        }
    }

    private func table() -> String {
        // The columns, from the metric table: the point metrics shown (sMAPE for the mean over
        // series), the summaries of quantiles and each interval's figures, then skill.
        let shown: [Metric] = [.mae, .rmse] + (isAggregate ? [.smape] : []) + [.mase]
        let intervalMetrics: [Metric] = [.coverage, .winkler, .width]
        var header = isAggregate ? ["h", "series", "n"] : ["h", "n"]
        for (model, metrics) in models {
            header += shown.enumerated().map { $0 == 0 ? "\(model) \($1.label)" : $1.label }
            if let row = metrics.rows.first, row.meanPinball != nil {
                header += [Metric.meanPinball.label, Metric.crps.label]
                for interval in row.coverage {
                    let percent = Int((interval.level * 100).rounded())
                    header += intervalMetrics.map { "\($0.label)\(percent)" }
                }
            }
            if reference != nil { header.append("skill") }
        }
        var table = TextTable(header: header, rightAligned: Set(0..<header.count))
        let steps = models.first?.metrics.rows ?? []
        for (i, stepRow) in steps.enumerated() {
            var cells = [stepRow.step.map(String.init) ?? "all"] + (seriesCounts.map { [String($0[stepRow.step] ?? 0)] } ?? [])
                + [String(stepRow.n)]
            for (_, metrics) in models {
                guard i < metrics.rows.count else { continue }
                let row = metrics.rows[i]
                cells += shown.map { formatNumber(row[$0], digits: 4) }
                if let pinball = row.meanPinball, let crps = row.crps {
                    cells += [formatNumber(pinball, digits: 4), formatNumber(crps, digits: 4)]
                    for (k, coverage) in row.coverage.enumerated() {
                        cells.append(formatNumber(coverage.value, digits: 3))
                        cells += [row.winkler, row.width].map { k < $0.count ? formatNumber($0[k].value, digits: 4) : "-" }
                    }
                }
                if reference != nil { cells.append(skill(row).map { formatNumber($0, digits: 3) } ?? "-") }
            }
            table.rows.append(cells)
        }
        if isAggregate {
            return "\(terminalSafe(series)): walk-forward, \(origins) origins each, errors by horizon step (the mean over series)\n"
                + table.rendered()
        }
        return "\(terminalSafe(series)): walk-forward, \(origins) origins, errors by horizon step\n" + table.rendered()
    }
}
