import ArgumentParser
import Storage

/// `forecast report`: a stored backtest's per-horizon table.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a stored backtest's per-horizon table (as `backtest` printed it).")

    @OptionGroup var stored: RunOptions

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: "For a panel, the series listed under the table: \(BacktestReport.PerSeries.help).")
    var perSeries: BacktestReport.PerSeries = .worst(10)

    func run() throws {
        let (db, runID) = (stored.db, stored.runID)
        let store = try Store(readingFrom: db)
        let row = try requireRun(runID, in: store, db: db)
        guard row.kind == .backtest else {
            throw CommandError(message: "\(db): run \(runID) is a \(row.kind) run; query its forecasts with `forecast query`",
                               code: ExitStatus.usage)
        }
        guard row.status == .complete else {
            throw CommandError(message: "\(db): run \(runID) is \(row.status) with \(row.originsDone) origins recorded; finish it with `forecast backtest --resume \(runID) --db \(db)`",
                               code: 1)
        }
        var origins: [String: Int] = [:]
        for origin in try store.origins(run: runID) { origins[origin.series, default: 0] += 1 }
        let (reports, aggregate) = BacktestReport.fromStore(try store.metrics(run: runID), origins: origins)
        print(BacktestReport.render(reports, aggregate: aggregate, perSeries: perSeries, run: runID, format: format))
    }
}
