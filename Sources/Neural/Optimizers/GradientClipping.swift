/// Gradient clipping over the flat gradient buffer.
public enum GradientClipping {
    /// Scales every gradient by `maxNorm / norm` when the global L2 norm exceeds `maxNorm`
    /// (`torch.nn.utils.clip_grad_norm_`, which uses `max_norm / (norm + 1e-6)`).
    /// Returns the norm before clipping.
    @discardableResult
    public static func clipByGlobalNorm(_ gradients: AlignedBuffer, maxNorm: Double) -> Double {
        clipByGlobalNorm([gradients], maxNorm: maxNorm)
    }

    /// The same over several buffers taken as one (an encoder's and a decoder's gradients).
    @discardableResult
    public static func clipByGlobalNorm(_ buffers: [AlignedBuffer], maxNorm: Double) -> Double {
        var sum = 0.0
        for buffer in buffers {
            let g = buffer.pointer
            for i in 0..<buffer.count { sum += Double(g[i]) * Double(g[i]) }
        }
        let norm = sum.squareRoot()
        if norm > maxNorm {
            let scale = Float(maxNorm / (norm + 1e-6))
            for buffer in buffers {
                let g = buffer.pointer
                for i in 0..<buffer.count { g[i] *= scale }
            }
        }
        return norm
    }

    /// Clamps every gradient to [-limit, limit] (`torch.nn.utils.clip_grad_value_`).
    public static func clipByValue(_ gradients: AlignedBuffer, limit: Float) {
        let g = gradients.pointer
        for i in 0..<gradients.count { g[i] = g[i] > limit ? limit : (g[i] < -limit ? -limit : g[i]) }
    }
}
