extension RecurrentNetwork {
    /// How far back in time the loss's gradient reaches: ||dLoss/dx_t|| (L2 over the batch
    /// and the features) for every step t = 1...T of `x` ([B, T, F]).
    ///
    /// For a many-to-one network trained on the last output, a plain RNN's norms fall off
    /// geometrically going back from T (the vanishing gradient), while GRU and LSTM gates
    /// keep them up for many more steps. Leaves the parameter gradients as they were.
    public func gradientFlow(_ x: [Float], target: [Float], batch: Int, steps: Int, loss: Loss = .mse,
                             headInputs: [Float] = []) -> [Double] {
        let saved = gradients.array
        defer { saved.withUnsafeBufferPointer { gradients.pointer.update(from: $0.baseAddress!, count: saved.count) } }
        let prediction = forward(x, batch: batch, steps: steps, headInputs: headInputs)
        let (_, dPrediction) = loss.evaluate(prediction: prediction, target: target)
        zeroGradients()
        let dx = backward(dPrediction, inputGradient: true) ?? []
        let f = configuration.inputSize
        return (0..<steps).map { t in
            var sum = 0.0
            for b in 0..<batch {
                for k in 0..<f {
                    let v = Double(dx[(b * steps + t) * f + k])
                    sum += v * v
                }
            }
            return sum.squareRoot()
        }
    }
}
