import Support

/// Central-difference checks of the analytic gradients (min-char-rnn's `gradCheck`).
public enum GradientCheck {
    /// The worst relative error between the backward pass and central differences
    /// `(L(w + eps) - L(w - eps)) / (2 eps)` over `samples` random parameters and `samples`
    /// random input values. Relative error is |a - n| / max(|a| + |n|, floor).
    ///
    /// The network runs in Float32, so `epsilon` is about 1e-2 and errors of a few 1e-3 are
    /// the precision of the method, not of the gradient.
    ///
    /// `headInputs` go to the head beside the last state; `observed` masks targets out of the loss.
    ///
    /// With `skipKinks` (for ReLU), a sample whose one-sided differences disagree by more
    /// than half their size straddles a kink, where no derivative exists, and is skipped.
    public static func worstRelativeError(
        network: RecurrentNetwork, x: [Float], target: [Float], batch: Int, steps: Int, loss: Loss,
        initialState: RecurrentState? = nil, samples: Int = 40, epsilon: Float = 1e-2, floor: Double = 1e-3,
        skipKinks: Bool = false, seed: UInt64 = 1, headInputs: [Float] = [], observed: [Bool]? = nil
    ) -> Double {
        func lossValue(_ input: [Float]) -> Double {
            Double(loss.evaluate(prediction: network.forward(input, batch: batch, steps: steps, initialState: initialState,
                                                             headInputs: headInputs),
                                 target: target, observed: observed).loss)
        }
        let prediction = network.forward(x, batch: batch, steps: steps, initialState: initialState, headInputs: headInputs)
        let (_, dPrediction) = loss.evaluate(prediction: prediction, target: target, observed: observed)
        network.zeroGradients()
        let dx = network.backward(dPrediction, inputGradient: true) ?? []
        let analytic = network.gradients.array
        var generator = SplitMix64(seed: seed)
        var worst = 0.0
        let center = lossValue(x)
        func compare(_ a: Double, plus: Double, minus: Double) {
            let e = Double(epsilon)
            let forward = (plus - center) / e, backward = (center - minus) / e
            if skipKinks && abs(forward - backward) > 0.5 * max(abs(forward), abs(backward), floor) { return }
            let n = (plus - minus) / (2 * e)
            worst = max(worst, abs(a - n) / max(abs(a) + abs(n), floor))
        }
        let p = network.parameters.pointer
        let tensors = network.layout.tensors
        for _ in 0..<samples {
            let t = tensors[Int(generator.next() % UInt64(tensors.count))]
            let i = t.offset + Int(generator.next() % UInt64(t.count))
            let original = p[i]
            p[i] = original + epsilon
            let plus = lossValue(x)
            p[i] = original - epsilon
            let minus = lossValue(x)
            p[i] = original
            compare(Double(analytic[i]), plus: plus, minus: minus)
        }
        for _ in 0..<samples where !x.isEmpty {
            let i = Int(generator.next() % UInt64(x.count))
            var moved = x
            moved[i] = x[i] + epsilon
            let plus = lossValue(moved)
            moved[i] = x[i] - epsilon
            let minus = lossValue(moved)
            compare(Double(dx[i]), plus: plus, minus: minus)
        }
        return worst
    }
}
