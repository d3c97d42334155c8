import Foundation

/// Starts `forecast` with `arguments` (a backtest writing to `db`), kills it with SIGKILL once
/// `origins` origins are in the store (read while it is being written), and returns how many
/// were recorded then.
func killAfterOrigins(_ arguments: [String], db: String, origins: Int, poll: TimeInterval = 0.05) throws -> Int {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("forecast")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments + ["--db", db]
    process.currentDirectoryURL = packageRoot
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    var recorded = 0
    while Date() < deadline && process.isRunning {
        let out = try run(["query", "--db", db, "--format", "csv", "SELECT count(*) FROM origins"])
        recorded = Int(out.out.split(separator: "\n").last ?? "") ?? 0
        if out.code == 0 && recorded >= origins { break }
        Thread.sleep(forTimeInterval: poll)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return recorded
}
