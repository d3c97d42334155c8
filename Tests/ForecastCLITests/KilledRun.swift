import Foundation

/// Runs `forecast` with `arguments` (a backtest writing to `db`) with the test hook
/// `FORECAST_KILL_AFTER_ORIGINS`: the process kills itself with SIGKILL right after recording
/// its `origins`-th origin, as `kill -9` would at that moment. Returns the origins then in the
/// store (the earlier ones of a resumed run included) and whether it died by SIGKILL.
func killAfterOrigins(_ arguments: [String], db: String, origins: Int) throws -> (recorded: Int, killed: Bool) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("forecast")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments + ["--db", db]
    process.currentDirectoryURL = packageRoot
    process.environment = ProcessInfo.processInfo.environment.merging(["FORECAST_KILL_AFTER_ORIGINS": String(origins)]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    let out = try run(["query", "--db", db, "--format", "csv", "SELECT count(*) FROM origins"])
    return (Int(out.out.split(separator: "\n").last ?? "") ?? -1, killed)
}
