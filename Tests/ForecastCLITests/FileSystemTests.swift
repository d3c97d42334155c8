import Foundation
import Testing
import TestSupport

/// Whether this process may mount a tmpfs (root on Linux, with the capability): the read-only
/// media tests need one, and are reported as skipped where it cannot.
let canMountTmpfs: Bool = {
    let point = temporaryPath("probe-mount")
    try? FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
    guard (try? shell("mount", "-t", "tmpfs", "-o", "size=1m", "none", point)) == 0 else { return false }
    _ = try? shell("umount", point)
    return true
}()

/// Runs a program from PATH and returns its exit status (its output discarded).
@discardableResult
func shell(_ arguments: String...) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Issue 29, family 3: files the user owns are not replaced against their mode, nothing is
/// created before the input is read and checked, reading needs no write access, and the
/// safe write's temporary name never pushes a valid name over the limit.
@Suite(.serialized) struct FileSystemTests {
    let air = "datasets/air_passengers_monthly.csv"
    let tiny = ["--hidden", "2", "--max-steps", "3"]

    @Test func aReadOnlyModelFileIsNotReplaced() throws {
        let model = temporaryPath("ro.safetensors")
        #expect(try run(["train", air, "--model-out", model] + tiny).code == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: model)
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let update = try run(["update", "--model", model, air])
        #expect(update.code == 73 && update.err.contains("\(model): cannot write: the file is read-only (mode 444)"), "\(update.err)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)
        let train = try run(["train", air, "--model-out", model] + tiny)
        #expect(train.code == 73 && train.out.isEmpty, "\(train.err)")  // refused before training
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)
        let store = temporaryPath("ro.db")
        #expect(try run(["backtest", air, "--models", "naive", "--origins", "1", "--db", store]).code == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        let write = try run(["backtest", air, "--models", "naive", "--origins", "1", "--db", store])
        #expect(write.code == 73 && write.err.contains("read-only"), "\(write.err)")
    }

    /// `update --db NEW.db BAD.csv` leaves no store behind, as `predict` and `backtest` do.
    @Test func nothingIsCreatedBeforeTheInputIsChecked() throws {
        let model = temporaryPath("m.safetensors"), bad = temporaryPath("bad.csv")
        #expect(try run(["train", air, "--model-out", model] + tiny).code == 0)
        try "timestamp,passengers_thousands\n1961-01-01,abc\n".write(toFile: bad, atomically: false, encoding: .utf8)
        for command in [["update", "--model", model, bad], ["predict", "--model", model, bad], ["backtest", bad, "--models", "naive"]] {
            let db = temporaryPath("new.db")
            let result = try run(command + ["--db", db])
            #expect(result.code == 65, "\(command[0]): \(result.err)")
            #expect(!FileManager.default.fileExists(atPath: db), "\(command[0]) left \(db)")
        }
    }

    /// A name of 250 bytes (valid: the limit is 255) is written; its temporary name is cut to
    /// fit. A name over the limit is refused before any training.
    @Test func longNamesAreWrittenUpToTheLimit() throws {
        let directory = temporaryPath("long")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let long = directory + "/" + String(repeating: "m", count: 244) + ".model"  // 250 bytes
        let trained = try run(["train", air, "--model-out", long] + tiny)
        #expect(trained.code == 0 && FileManager.default.fileExists(atPath: long), "\(trained.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)  // no temporary file left
        let svg = directory + "/" + String(repeating: "p", count: 251) + ".svg"  // 255 bytes
        let db = temporaryPath("p.db")
        #expect(try run(["backtest", air, "--models", "naive", "--origins", "2", "--db", db]).code == 0)
        #expect(try run(["plot", "--db", db, "--run", "1", "-o", svg]).code == 0)
        let tooLong = directory + "/" + String(repeating: "x", count: 256)
        let refused = try run(["train", air, "--model-out", tooLong] + tiny)
        #expect(refused.code == 73 && refused.out.isEmpty, "\(refused.err)")
    }

    /// Stores and SQLite sources on read-only media (a tmpfs mounted read-only) are read:
    /// `query`, `runs`, `report`, `plot`, `merge`'s inputs and a WAL-mode `--sqlite` source,
    /// each with a note that the file is read as immutable.
    @Test(.enabled(if: canMountTmpfs, "needs root to mount a read-only tmpfs"))
    func readingNeedsNoWriteAccess() throws {
        let staging = temporaryPath("staging")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let store = staging + "/s.db"
        #expect(try run(["backtest", air, "--models", "naive,seasonal-naive", "--origins", "3", "--db", store]).code == 0)
        let arguments = ["backtest", air, "--models", "naive", "--origins", "2"]
        for i in 0..<2 { #expect(try run(arguments + ["--shard", "\(i)/2", "--db", staging + "/shard\(i).db"]).code == 0) }
        let media = temporaryPath("media")
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        #expect(try shell("mount", "-t", "tmpfs", "-o", "size=20m", "none", media) == 0)
        defer { _ = try? shell("umount", media) }
        for name in ["s.db", "shard0.db", "shard1.db"] {
            try FileManager.default.copyItem(atPath: staging + "/" + name, toPath: media + "/" + name)
        }
        #expect(try shell("mount", "-o", "remount,ro", media) == 0)
        let db = media + "/s.db"
        let note = "forecast: note: \(db): cannot create the files of its write-ahead log beside it (read-only media?); reading it as immutable, as it is now\n"
        for command in [["query", "--db", db, "SELECT count(*) FROM forecasts"], ["runs", "--db", db],
                        ["report", "--db", db, "--run", "1"], ["plot", "--db", db, "--run", "1", "-o", temporaryPath("p.svg")],
                        ["inspect", "--sqlite", db, "--sql", "SELECT target_time, forecast FROM forecasts WHERE model = 'naive' AND origin = 3"]] {
            let result = try run(command)
            #expect(result.code == 0 && result.err == note, "\(command[0]): \(result.err)")
        }
        let merged = temporaryPath("merged.db")
        let merge = try run(["merge", "--db", merged, media + "/shard0.db", media + "/shard1.db"])
        #expect(merge.code == 0 && merge.out.contains("walk-forward"), "\(merge.err)")
        let write = try run(["backtest", air, "--models", "naive", "--origins", "1", "--db", db])
        #expect(write.code == 73, "\(write.err)")
    }
}
