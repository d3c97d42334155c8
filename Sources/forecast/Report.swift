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
        let store = try Store.reading(db)
        let row = try requireRun(runID, in: store, db: db)
        guard row.kind == .backtest else {
            throw CommandError(message: "\(db): run \(runID) is a \(row.kind) run; query its forecasts with `forecast query`",
                               code: ExitStatus.usage)
        }
        if let shard = row.shard {
            throw CommandError(message: "\(db): run \(runID) is shard \(shard)/\(row.shardCount) of a run (uuid \(row.uuid)) and has no metrics of its own; merge the shards (`forecast merge --db OUT.db SHARD.db...`) and report the merged run",
                               code: ExitStatus.usage)
        }
        guard row.status == .complete else {
            throw CommandError(message: "\(db): run \(runID) is \(row.status) with \(row.originsDone) origins recorded; finish it with `forecast backtest --resume \(runID) --db \(db)`",
                               code: ExitStatus.usage)
        }
        print(try Report.rendered(row, of: store, db: db, format: format, perSeries: perSeries))
    }

    /// The report of the complete backtest `run` from its stored metrics.
    static func rendered(_ run: Store.RunRow, of store: Store, db: String, format: OutputFormat,
                         perSeries: BacktestReport.PerSeries) throws -> String {
        var origins: [String: Int] = [:]
        for origin in try store.origins(run: run.id) { origins[origin.series, default: 0] += 1 }
        let (reports, aggregate) = BacktestReport.fromStore(try store.metrics(run: run.id), origins: origins)
        return BacktestReport.render(reports, aggregate: aggregate, perSeries: perSeries, run: run.id, format: format)
    }
}
