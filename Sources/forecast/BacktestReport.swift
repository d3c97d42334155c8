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

    /// The seasonal-naive rows that skill is measured against, when that model ran.
    var reference: Metrics? { models.first { $0.name == ModelKind.seasonalNaive.rawValue }?.metrics }

    /// 1 - MASE / MASE of seasonal naive at the same step.
    func skill(_ row: Metrics.Row) -> Double? {
        guard let ref = reference?.rows.first(where: { $0.step == row.step }) else { return nil }
        return 1 - row.mase / ref.mase
    }

    /// The store's metric rows for a series' results: every figure of every step, and
    /// `skill` when seasonal naive ran.
    static func metricRows(_ models: [(name: String, metrics: Metrics)], series: String) -> [Store.MetricRow] {
        let report = BacktestReport(series: series, origins: 0, models: models)
        return models.flatMap { name, metrics in
            metrics.rows.flatMap { row in
                let figures = row.named + (report.skill(row).map { [("skill", $0)] } ?? [])
                return figures.map { Store.MetricRow(model: name, series: series, step: row.step, metric: $0.metric,
                                                     value: $0.value, n: row.n) }
            }
        }
    }

    /// Reports from a store's metric rows, by series and model in the order they were written.
    static func fromStore(_ rows: [Store.MetricRow], origins: [String: Int]) -> [BacktestReport] {
        var seriesOrder: [String] = [], modelOrder: [String: [String]] = [:]
        var figures: [String: [Int?: (n: Int, named: [String: Double])]] = [:]
        for row in rows {
            if modelOrder[row.series] == nil { seriesOrder.append(row.series); modelOrder[row.series] = [] }
            // modelOrder[row.series] was set on the line above when missing.
            if !modelOrder[row.series]!.contains(row.model) { modelOrder[row.series]!.append(row.model) }
            let key = "\(row.series)\u{1}\(row.model)"
            var step = figures[key]?[row.step] ?? (row.n, [:])
            step.named[row.metric] = row.value ?? .nan
            figures[key, default: [:]][row.step] = step
        }
        return seriesOrder.map { series in
            // Every series in seriesOrder has its modelOrder entry (set together above).
            BacktestReport(series: series, origins: origins[series] ?? 0, models: modelOrder[series]!.map { model in
                let steps = figures["\(series)\u{1}\(model)"] ?? [:]
                let ordered = steps.keys.sorted { ($0 ?? .max) < ($1 ?? .max) }
                // `ordered` holds the keys of `steps`.
                return (model, Metrics(rows: ordered.map { Metrics.Row(step: $0, n: steps[$0]!.n, named: steps[$0]!.named) }))
            })
        }
    }

    static func render(_ reports: [BacktestReport], run: Int64?, format: OutputFormat) -> String {
        switch format {
        case .json:
            let rows = reports.flatMap { $0.jsonRows() }
            return JSONValue.object([("run", run.map { .integer(Int($0)) } ?? .null), ("metrics", .array(rows))]).rendered()
        case .csv:
            let names = reports.flatMap { r in r.models.flatMap { $0.metrics.rows.first?.named.map(\.metric) ?? [] } }
            var columns: [String] = []
            for name in names where !columns.contains(name) { columns.append(name) }
            let rows = reports.flatMap { report in
                report.models.flatMap { model, metrics in
                    metrics.rows.map { row -> [String] in
                        let named = Dictionary(row.named, uniquingKeysWith: { a, _ in a })
                        return [model, report.series, row.step.map(String.init) ?? "all", String(row.n)]
                            + columns.map { named[$0].map { "\($0)" } ?? "" } + [report.skill(row).map { "\($0)" } ?? ""]
                    }
                }
            }
            return renderRows(header: ["model", "series", "h", "n"] + columns + ["skill"], rows: rows, numeric: [],
                              format: .csv)
        case .table:
            return reports.map { $0.table() }.joined(separator: "\n\n") + (run.map { "\nrun \($0)" } ?? "")
        }
    }

    private func jsonRows() -> [JSONValue] {
        models.flatMap { model, metrics in
            metrics.rows.map { row -> JSONValue in
                var pairs: [(String, JSONValue)] = [
                    ("model", .string(model)), ("series", .string(series)),
                    ("h", row.step.map(JSONValue.integer) ?? .null), ("n", .integer(row.n)),
                ]
                pairs += row.named.map { ($0.metric, JSONValue.finite($0.value)) }
                if let skill = skill(row) { pairs.append(("skill", .finite(skill))) }
                return .object(pairs)
            }
        }
    }

    private func table() -> String {
        var header = ["h", "n"]
        for (model, metrics) in models {
            header += ["\(model) MAE", "RMSE", "MASE"]
            if let row = metrics.rows.first, row.meanPinball != nil {
                header.append("pinball")
                header += row.coverage.map { "cov\(Int(($0.level * 100).rounded()))" }
            }
            if reference != nil { header.append("skill") }
        }
        var table = TextTable(header: header, rightAligned: Set(0..<header.count))
        let steps = models.first?.metrics.rows ?? []
        for (i, stepRow) in steps.enumerated() {
            var cells = [stepRow.step.map(String.init) ?? "all", String(stepRow.n)]
            for (_, metrics) in models {
                guard i < metrics.rows.count else { continue }
                let row = metrics.rows[i]
                cells += [formatNumber(row.mae, digits: 4), formatNumber(row.rmse, digits: 4), formatNumber(row.mase, digits: 4)]
                if let pinball = row.meanPinball {
                    cells.append(formatNumber(pinball, digits: 4))
                    cells += row.coverage.map { formatNumber($0.value, digits: 3) }
                }
                if reference != nil { cells.append(skill(row).map { formatNumber($0, digits: 3) } ?? "-") }
            }
            table.rows.append(cells)
        }
        return "\(series): walk-forward, \(origins) origins, errors by horizon step\n" + table.rendered()
    }
}
