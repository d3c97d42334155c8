import Foundation
import Testing
import TestSupport

/// Issue 14, family 1: every file the tool writes goes through one safe writer.
@Suite struct SafeWriteTests {
    let air = "datasets/air_passengers_monthly.csv"
    let quick = ["--max-steps", "10", "--hidden", "4"]

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func type(_ path: String) throws -> FileAttributeType? {
        try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
    }

    /// A FIFO (like a device: not a regular file) is written in place, never replaced by a
    /// regular file (as root, the old rename turned `--model-out /dev/null` into one).
    @Test func aFIFOTargetIsWrittenInPlace() throws {
        for command in [["train", air] + quick + ["--model-out"], ["diagnose", "--steps", "10", "-o"]] {
            let fifo = temporaryPath("out.fifo")
            #expect(mkfifo(fifo, 0o600) == 0)
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/bin/cat")
            reader.arguments = [fifo]
            let received = Pipe()
            reader.standardOutput = received
            try reader.run()
            let result = try run(command + [fifo])
            if !isFIFO(fifo) { reader.terminate() }  // replaced: nothing will ever open it for writing
            let bytes = received.fileHandleForReading.readDataToEndOfFile()
            reader.waitUntilExit()
            #expect(result.code == 0, "\(result.err)")
            #expect(isFIFO(fifo), "\(fifo) is no longer a FIFO")
            #expect(bytes.count > 1000, "\(command[0]): \(bytes.count) bytes through the FIFO")
        }
    }

    func isFIFO(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO
    }

    /// A symlink is followed: its target gets the new file and the link stays a link.
    @Test func aSymlinkTargetKeepsTheLink() throws {
        let real = temporaryPath("real.safetensors"), link = temporaryPath("link.safetensors")
        try Data("old".utf8).write(to: URL(fileURLWithPath: real))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let result = try run(["train", air, "--model-out", link] + quick)
        #expect(result.code == 0, "\(result.err)")
        #expect(try type(link) == .typeSymbolicLink)
        #expect(try Data(contentsOf: URL(fileURLWithPath: real)).count > 1000)
    }

    /// `update` rewrites a model file with the mode it had; nothing is left beside it.
    @Test func updateKeepsTheModeAndLeavesNoTemporaryFile() throws {
        let directory = temporaryPath("models")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let model = directory + "/air.safetensors"
        let past = directory + "/past.csv", new = directory + "/new.csv"
        let lines = try String(contentsOfFile: packageRoot.appendingPathComponent(air).path, encoding: .utf8).split(separator: "\n")
        try (lines[0...130].joined(separator: "\n") + "\n").write(toFile: past, atomically: false, encoding: .utf8)
        try ([lines[0]] + lines[131...132]).joined(separator: "\n").write(toFile: new, atomically: false, encoding: .utf8)
        #expect(try run(["train", past, "--model-out", model] + quick).code == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: model)
        let update = try run(["update", "--model", model, new])
        #expect(update.code == 0, "\(update.err)")
        #expect(update.err.contains("2 new steps"))
        #expect(try mode(model) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["air.safetensors", "new.csv", "past.csv"])
    }

    /// A model file that cannot be written fails before training (exit 73, the path named),
    /// and a directory is never replaced.
    @Test func anUnwritableTargetFailsBeforeTraining() throws {
        let absent = temporaryPath("no-such-dir")
        let missing = absent + "/m.safetensors"
        let result = try run(["train", air, "--model-out", missing, "--max-steps", "3000"])
        #expect(result.code == 73, "\(result.err)")
        #expect(result.err == "forecast: error: \(missing): cannot write: no such directory \(absent)\n")
        #expect(result.out.isEmpty)  // no training report: it failed first
        let directory = temporaryPath("a-directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let onDirectory = try run(["train", air, "--model-out", directory] + quick)
        #expect(onDirectory.code == 73 && onDirectory.err.contains("is a directory"), "\(onDirectory.err)")
        #expect(try type(directory) == .typeDirectory)
        let svg = try run(["diagnose", "--steps", "10", "-o", directory])
        #expect(svg.code == 73 && svg.err.contains("\(directory): cannot write"), "\(svg.err)")
    }
}
