import Foundation
import Testing

/// Every command of every notebook still parses and runs (in a small setting: training
/// capped at a few steps by FORECAST_QUICK); `make notebooks` checks the outputs in full.
@Suite struct NotebookTests {
    /// Runs a Python script of notebooks-md/ from the package root: exit status and output.
    func python(_ arguments: [String]) throws -> (code: Int32, text: String) {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(["FORECAST_BIN_DIR": binaries]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func everyNotebookCommandRunsQuickly() throws {
        let (code, text) = try python(["notebooks-md/run.py", "--quick"])
        #expect(code == 0, "\(text)")
        #expect(text.contains("passed: 0 failure(s)"))
        let notebooks = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("notebooks-md").path)
            .filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }
        #expect(notebooks.count >= 6)
    }

    /// run.py's comparison: numbers inside CSV and JSON lines within 1e-3 (a CSV line that
    /// differs in the 8th digit is equal, one that differs in the 3rd is not), words exactly.
    @Test func notebookCheckerComparesNumbersInsideCSVAndJSON() throws {
        let (code, text) = try python(["notebooks-md/run_test.py", "-v"])
        #expect(code == 0, "\(text)")
        let passed = text.split(separator: "\n").filter { $0.hasSuffix("... ok") }
        for name in ["test_csv_line_differing_in_the_8th_digit_is_equal", "test_csv_line_differing_in_the_3rd_digit_is_different"] {
            #expect(passed.contains { $0.hasPrefix(name + " ") }, "\(name): \(text)")
        }
    }
}
