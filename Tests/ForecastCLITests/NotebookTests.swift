import Foundation
import Testing

/// Every command of every notebook still parses and runs (in a small setting: training
/// capped at a few steps by FORECAST_QUICK); `make notebooks` checks the outputs in full.
@Suite struct NotebookTests {
    @Test func everyNotebookCommandRunsQuickly() throws {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "notebooks-md/run.py", "--quick"]
        process.currentDirectoryURL = packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(["FORECAST_BIN_DIR": binaries]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("passed: 0 failure(s)"))
        let notebooks = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("notebooks-md").path)
            .filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }
        #expect(notebooks.count >= 6)
    }
}
