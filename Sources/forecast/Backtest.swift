import ArgumentParser
import Backtesting
import Forecasting
import Foundation
import Neural
import TimeSeries

/// `forecast backtest`: walk-forward evaluation with errors per horizon step.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Walk-forward backtest: refit every model at every origin and report errors per horizon step.",
        discussion: """
            Origins: --origins K --step S, else the rule of datasets/PROTOCOL.md section 1 (K = 10 below \
            1,000 rows, else 20; the last origin's test window ends at the last row). Every model is \
            refitted from scratch at every origin on the rows before it (missing values filled as \
            PROTOCOL.md section 3). Models: naive, seasonal-naive, drift, mean, and the recurrent \
            forecaster under its cell name (rnn, gru, lstm) with the model flags of `train`. Skill is \
            1 - MASE / MASE of seasonal naive (positive: better than seasonal naive).
            """)

    @OptionGroup var data: DataOptions
    @OptionGroup var model: ModelOptions

    @Option(help: "Models, comma-separated: gru, lstm, rnn, naive, seasonal-naive, drift, mean.",
            transform: { $0.split(separator: ",").map(String.init) })
    var models: [String] = ["gru", "naive", "seasonal-naive", "drift"]

    @Option(help: "Number of origins (with --step).")
    var origins: Int?

    @Option(help: "Rows between consecutive origins (with --origins).")
    var step: Int?

    @Option(help: "Origins fitted in parallel (default: the number of cores); results are identical to --jobs 1.")
    var jobs: Int?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if (origins == nil) != (step == nil) { throw ValidationError("--origins and --step go together.") }
        if let origins, origins < 1 { throw ValidationError("--origins must be at least 1.") }
        if let step, step < 1 { throw ValidationError("--step must be at least 1.") }
        for name in models where !["gru", "lstm", "rnn", "naive", "seasonal-naive", "drift", "mean"].contains(name) {
            throw ValidationError("Unknown model \"\(name)\"; choose from gru, lstm, rnn, naive, seasonal-naive, drift, mean.")
        }
    }

    func run() throws {
        var options = data
        let frames = try options.read()
        guard frames.count == 1, let frame = frames.first else {
            throw CommandError(message: "\(data.sourceName): \(frames.count) series; backtest one at a time (filter with --sql)")
        }
        let target = try resolveTarget(data.target, frame)
        options.target = target
        let y = try frame.values(of: target)
        let frequency = frame.frequencyReport.frequency ?? .index
        let base = model.configuration(frequency: frequency)
        let h = base.horizon, m = base.season
        let originSet = origins.map { Origins(count: $0, step: step ?? 1, seriesLength: y.count, horizon: h) }
            ?? Origins.protocolRule(seriesLength: y.count, horizon: h)
        guard let first = originSet.trainLengths.first, first >= 2 else {
            throw CommandError(message: "\(data.sourceName): \(y.count) rows are too few for these origins and a horizon of \(h)")
        }
        let makers: [Backtest.Model] = models.map { name in
            switch name {
            case "naive": return Backtest.Model(name: name) { Naive() }
            case "seasonal-naive": return Backtest.Model(name: name) { SeasonalNaive(period: m) }
            case "drift": return Backtest.Model(name: name) { Drift() }
            case "mean": return Backtest.Model(name: name) { HistoricMean() }
            default:
                var c = base
                c.cell = ModelOptions.Cell(rawValue: name)?.kind ?? c.cell
                return Backtest.Model(name: name) { RecurrentForecaster(c) }
            }
        }
        let results = try Backtest(origins: originSet, horizon: h, season: m,
                                   jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            .run(makers, series: y, name: frame.displayName, timestamps: frame.timestamps, frequency: frequency)
        print(render(results, series: frame.displayName))
    }

    func render(_ results: [Backtest.Result], series: String) -> String {
        let reference = results.first { $0.model == "seasonal-naive" }?.metrics
        func skill(_ row: Metrics.Row) -> Double? {
            guard let ref = reference?.rows.first(where: { $0.step == row.step }) else { return nil }
            return 1 - row.mase / ref.mase
        }
        switch format {
        case .json:
            let rows = results.flatMap { result in
                result.metrics.rows.map { row -> JSONValue in
                    .object([("model", .string(result.model)), ("series", .string(series)),
                             ("h", row.step.map(JSONValue.integer) ?? .null), ("n", .integer(row.n)),
                             ("mae", .finite(row.mae)), ("rmse", .finite(row.rmse)), ("mape", .finite(row.mape)),
                             ("smape", .finite(row.smape)), ("mase", .finite(row.mase)), ("bias", .finite(row.bias))])
                }
            }
            return JSONValue.object([("run", .null), ("metrics", .array(rows))]).rendered()
        case .csv:
            var lines = ["model,series,h,n,mae,rmse,mape,smape,mase,bias,skill"]
            for result in results {
                for row in result.metrics.rows {
                    let values = [row.mae, row.rmse, row.mape, row.smape, row.mase, row.bias].map { "\($0)" }
                    lines.append(([result.model, series, row.step.map(String.init) ?? "all", String(row.n)] + values
                                  + [skill(row).map { "\($0)" } ?? ""]).joined(separator: ","))
                }
            }
            return lines.joined(separator: "\n")
        case .table:
            var header = ["h", "n"]
            for result in results { header += ["\(result.model) MAE", "RMSE", "MASE"] + (reference == nil ? [] : ["skill"]) }
            var table = TextTable(header: header, rightAligned: Set(0..<header.count))
            let steps = results.first?.metrics.rows ?? []
            for (i, stepRow) in steps.enumerated() {
                var cells = [stepRow.step.map(String.init) ?? "all", String(stepRow.n)]
                for result in results {
                    let row = result.metrics.rows[i]
                    cells += [formatNumber(row.mae, digits: 4), formatNumber(row.rmse, digits: 4), formatNumber(row.mase, digits: 4)]
                    if reference != nil { cells.append(skill(row).map { formatNumber($0, digits: 3) } ?? "-") }
                }
                table.rows.append(cells)
            }
            return "\(series): walk-forward, \(results.first?.outcomes.count ?? 0) origins, errors by horizon step\n" + table.rendered()
        }
    }
}
