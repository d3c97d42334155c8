import Foundation
@testable import Neural
import Testing

/// Issue 15: a multi-step training trajectory against PyTorch (`Trajectories/make_trajectory.py`):
/// ten Adam steps with gradient clipping on ten batches, every step's loss and the weights
/// after the last, within 1e-4 of the float64 reference.
@Suite struct TrajectoryTests {
    @Test func tenAdamStepsFollowPyTorch() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Trajectories/gru_adam10.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        let i = try #require(json["input_size"] as? Int), h = try #require(json["hidden_size"] as? Int)
        let t = try #require(json["steps"] as? Int), b = try #require(json["batch"] as? Int)
        let o = try #require(json["head_out"] as? Int), clip = try #require(json["clip_grad_norm"] as? Double)
        let network = RecurrentNetwork(NetworkConfiguration(cell: .gru, inputSize: i, hiddenSize: h, outputSize: o,
                                                            outputMode: .lastStep))
        for (name, value) in try #require(json["params"] as? [String: Any]) {
            #expect(network.setTensor(name, flat(value).map(Float.init)), "no tensor \(name)")
        }
        let adam = Optimizer(.adam, learningRate: 1e-2, parameterCount: network.parameters.count)
        let batches = try #require(json["batches"] as? [[String: Any]])
        let losses = flat(json["losses"])
        #expect(batches.count == 10 && losses.count == 10)
        for (step, batch) in batches.enumerated() {
            let x = flat(batch["x"]).map(Float.init), y = flat(batch["y"]).map(Float.init)
            network.zeroGradients()
            let prediction = network.forward(x, batch: b, steps: t, training: true)
            let (loss, gradient) = Loss.mse.evaluate(prediction: prediction, target: y)
            #expect(abs(Double(loss) - losses[step]) <= 1e-4 * abs(losses[step]), "loss of step \(step + 1)")
            network.backward(gradient)
            GradientClipping.clipByGlobalNorm(network.gradients, maxNorm: clip)
            adam.update(network.parameters, gradients: network.gradients)
        }
        let after = try #require(json["params_after"] as? [String: Any])
        let start = try #require(json["params"] as? [String: Any])
        for (name, value) in after {
            let ours = try #require(network.tensor(name), "no tensor \(name)")
            #expect(relativeError(ours, flat(value)) <= 1e-4, "\(name) after ten steps")
            // The steps moved every tensor (the test compares a trajectory, not a start).
            #expect(relativeError(ours, flat(start[name])) > 1e-3, "\(name) did not move")
        }
    }
}
