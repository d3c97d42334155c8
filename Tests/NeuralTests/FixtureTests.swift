import Foundation
import Testing
@testable import Neural

/// PyTorch dumps (`bench/gru_reference.py` in the team's shared folder): weights, input,
/// target, outputs, loss, every gradient and the parameters after one Adam step.
struct Fixture: CustomTestStringConvertible, Sendable {
    let path: String
    var testDescription: String { URL(fileURLWithPath: path).lastPathComponent }

    /// Every fixture bundled with the tests, and every one in `$FORECAST_FIXTURES`.
    static var all: [Fixture] {
        var folders = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path]
        if let extra = ProcessInfo.processInfo.environment["FORECAST_FIXTURES"], !extra.isEmpty { folders.append(extra) }
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
                .map { Fixture(path: folder + "/" + $0) }
        }
    }
}

/// Flattens nested JSON arrays of numbers.
func flat(_ value: Any?) -> [Double] {
    if let n = value as? NSNumber { return [n.doubleValue] }
    if let a = value as? [Any] { return a.flatMap(flat) }
    return []
}

/// max |a - b| / max |b|: the error relative to the tensor's scale.
func relativeError(_ a: [Float], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "sizes \(a.count) and \(b.count)")
    let scale = max(b.map(abs).max() ?? 0, 1e-12)
    return zip(a, b).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? 0
}

@Suite struct FixtureTests {
    @Test func fixturesArePresent() {
        #expect(Fixture.all.count >= 12)
    }

    @Test(arguments: Fixture.all)
    func matchesPyTorch(_ fixture: Fixture) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cell = try #require(CellKind(rawValue: json["cell"] as? String ?? ""))
        let mode = json["mode"] as? String == "many2many" ? NetworkConfiguration.OutputMode.everyStep : .lastStep
        let i = json["input_size"] as! Int, h = json["hidden_size"] as! Int  // present in every dump
        let t = json["steps"] as! Int, b = json["batch"] as! Int, o = json["head_out"] as! Int
        let network = RecurrentNetwork(NetworkConfiguration(cell: cell, inputSize: i, hiddenSize: h, outputSize: o,
                                                            outputMode: mode))
        let params = try #require(json["params"] as? [String: Any])
        for (name, value) in params {
            #expect(network.setTensor(name, flat(value).map(Float.init)), "no tensor \(name)")
        }
        let x = flat(json["x"]).map(Float.init), y = flat(json["y"]).map(Float.init)
        let tolerance = 1e-4

        let pred = network.forward(x, batch: b, steps: t)
        #expect(relativeError(pred, flat(json["pred"])) <= tolerance, "pred")
        #expect(relativeError(network.hiddenStates, flat(json["rnn_out"])) <= tolerance, "rnn_out")
        let state = network.finalState
        #expect(relativeError(state.hidden, flat(json["h_T"])) <= tolerance, "h_T")
        if cell == .lstm { #expect(relativeError(state.cell ?? [], flat(json["c_T"])) <= tolerance, "c_T") }

        let (loss, dPred) = Loss.mse.evaluate(prediction: pred, target: y)
        let expectedLoss = try #require(json["loss"] as? Double)
        #expect(abs(Double(loss) - expectedLoss) / expectedLoss <= tolerance, "loss")
        network.zeroGradients()
        let dx = try #require(network.backward(dPred, inputGradient: true))
        #expect(relativeError(dx, flat(json["grad_x"])) <= tolerance, "grad_x")
        let grads = try #require(json["grads"] as? [String: Any])
        for (name, value) in grads {
            let got = try #require(network.gradient(name))
            #expect(relativeError(got, flat(value)) <= tolerance, "grad \(name)")
        }

        let adam = Optimizer(.adam, learningRate: 1e-3, parameterCount: network.parameters.count)
        adam.update(network.parameters, gradients: network.gradients)
        let after = try #require(json["params_after_adam_step"] as? [String: Any])
        for (name, value) in after {
            let got = try #require(network.tensor(name))
            let before = flat(params[name]).map(Float.init)
            // The step itself (about lr in size) must match, not just the weights.
            let step = zip(got, before).map { $0 - $1 }
            let expectedStep = zip(flat(value), before).map { $0 - Double($1) }
            #expect(relativeError(step, expectedStep) <= 1e-3, "Adam step \(name)")
            #expect(relativeError(got, flat(value)) <= tolerance, "after Adam \(name)")
        }
    }
}
