import ArgumentParser
import Foundation
import Storage

/// A store and one of its runs: `report` and `plot`.
struct RunOptions: ParsableArguments {
    @Option(help: "The SQLite store.")
    var db: String

    @Option(name: .customLong("run"), help: "The run id (see `forecast runs`).")
    var runID: Int64
}

/// The run `id` of `store` (at `db`); a missing run is exit 64.
func requireRun(_ id: Int64, in store: Store, db: String) throws -> Store.RunRow {
    guard let run = try store.run(id) else { throw CommandError(message: "\(db): no run \(id)", code: ExitStatus.usage) }
    return run
}
