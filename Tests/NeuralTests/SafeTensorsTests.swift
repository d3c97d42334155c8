import Foundation
import Testing
import TestSupport
@testable import Neural

@Suite struct SafeTensorsTests {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/safetensors")

    @Test func roundTripWithMetadata() throws {
        let network = RecurrentNetwork(NetworkConfiguration(cell: .lstm, inputSize: 3, hiddenSize: 4, layers: 2, outputSize: 5), seed: 9)
        let path = temporaryPath("m.safetensors")
        try network.save(to: path, metadata: ["config": "{\"cell\":\"lstm\"}", "seed": "9"])
        let file = try SafeTensors.read(path: path)
        #expect(file.metadata == ["config": "{\"cell\":\"lstm\"}", "seed": "9"])
        #expect(Set(file.tensors.keys) == Set(network.layout.tensors.map(\.name)))
        #expect(file.tensors["rnn.weight_hh_l1"]?.shape == [16, 4])
        let copy = RecurrentNetwork(network.configuration, seed: 1)
        try copy.load(file.tensors)
        #expect(copy.parameters.array == network.parameters.array)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp-\(getpid())"))
    }

    /// A file written by `safetensors.torch.save_file` from a PyTorch module (GRU(2, 3, 2
    /// layers) + Linear(3, 4)) loads here and predicts what PyTorch predicted.
    @Test func loadsAPyTorchStateDict() throws {
        let file = try SafeTensors.read(path: folder.appendingPathComponent("pytorch_gru_2layer.safetensors").path)
        #expect(file.metadata["source"] == "torch")
        let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3, layers: 2, outputSize: 4))
        try network.load(file.tensors, source: "pytorch_gru_2layer.safetensors")
        let io = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("pytorch_gru_2layer_io.json"))) as? [String: Any]
        let x = flat(io?["x"]).map(Float.init), expected = flat(io?["pred"])
        let pred = network.forward(x, batch: 2, steps: 5)
        #expect(relativeError(pred, expected) < 1e-5)
    }

    @Test func badFilesAreClearErrors() throws {
        #expect(throws: NeuralError.self) { try SafeTensors.decode([1, 2, 3]) }
        #expect(throws: NeuralError.self) { try SafeTensors.decode([255, 255, 0, 0, 0, 0, 0, 0, 0]) }
        let header = Array("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}".utf8)
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + [UInt8](repeating: 0, count: 8)
        #expect(throws: NeuralError.self) { try SafeTensors.decode(bytes) }
        bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + [UInt8](repeating: 0, count: 12)
        #expect(throws: NeuralError.self) { try SafeTensors.decode(bytes) }  // 12 bytes for 2 floats
        let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3, outputSize: 1))
        #expect(throws: NeuralError.self) { try network.load([:]) }
        #expect(throws: NeuralError.self) { try SafeTensors.read(path: "/nonexistent.safetensors") }
        // A directory is named as one (was "read error").
        #expect(throws: NeuralError.cannotOpen(path: "/tmp", reason: "it is a directory")) { try SafeTensors.read(path: "/tmp") }
    }

    /// Whether Python's `safetensors` and `torch` are installed here (the bench venv's are not on PATH).
    static let pythonSafetensors: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import safetensors.torch"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// With Python's `safetensors` and `torch` installed, PyTorch loads our file (reported as
    /// skipped where they are not).
    @Test(.enabled(if: pythonSafetensors, "needs python3 with safetensors and torch"))
    func pytorchLoadsOurFile() throws {
        let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3, outputSize: 1), seed: 4)
        let path = temporaryPath("py.safetensors")
        try network.save(to: path, metadata: ["k": "v"])
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            from safetensors.torch import load_file
            from safetensors import safe_open
            d = load_file('\(path)')
            assert tuple(d['rnn.weight_hh_l0'].shape) == (9, 3), d['rnn.weight_hh_l0'].shape
            assert abs(float(d['head.bias'][0]) - \(network.tensor("head.bias")![0])) < 1e-6
            with safe_open('\(path)', 'pt') as f: assert f.metadata() == {'k': 'v'}
            """]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }
}
