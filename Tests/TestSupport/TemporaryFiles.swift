import Foundation

/// One directory per test process under the system's temporary directory, removed with
/// everything in it (databases with their -wal and -shm files, model files, figures) when
/// the process exits.
private let testDirectory: String = {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("forecast-tests-\(ProcessInfo.processInfo.processIdentifier)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: testDirectory) }
    return path
}()

/// A fresh path ending in `name` (nothing is created), inside this process's test
/// directory, so a test's files never outlive the run.
public func temporaryPath(_ name: String) -> String {
    testDirectory + "/\(UUID())-\(name)"
}
