import CKernels

extension RecurrentLayer {
    /// Runs the layer over a whole sequence, keeping what the backward pass needs in `cache`
    /// when `keepGates` (an inference pass keeps only the states).
    ///
    /// `input` is time-major [T*B, I] (row t*B + b is step t of sequence b). `h0`, `c0` are
    /// [B, H] (nil: zeros). Afterwards `cache.hs` holds h_0 ... h_T as [(T+1)*B, H], so the
    /// outputs are rows B ..< (T+1)*B, and for an LSTM `cache.cs` holds c_0 ... c_T.
    ///
    /// The input projection `X @ W_ih^T + b_ih` is one GEMM per chunk of steps (about 256 KB
    /// of projections, so they are still in cache when the steps read them); per step run
    /// the product `h_{t-1} @ W_hh^T` (`ck_step_gemm`, W_hh packed once here) and the fused
    /// gates.
    func forward(cache: RecurrentLayerCache, input: UnsafePointer<Float>, h0: UnsafePointer<Float>?,
                 c0: UnsafePointer<Float>?, parameters p: UnsafePointer<Float>, steps: Int, batch: Int,
                 keepGates: Bool = true) {
        cache.reserve(steps: steps, batch: batch, training: keepGates)
        let h = hiddenSize, g = gateWidth
        let xProj = cache.xProj.pointer, hs = cache.hs.pointer
        let wHH = p + weightHH, bIH = p + biasIH, bHH = p + biasHH
        // Biases that are simply summed with the input side are added with the projection:
        // b_ih, and b_hh except a GRU's b_hn, which r scales.
        let folded = cache.foldedBias.pointer
        let sharedWidth = cell == .gru ? 2 * h : g
        for j in 0..<g { folded[j] = bIH[j] + (j < sharedWidth ? bHH[j] : 0) }
        // W_hh^T [H, G] packed once for the per-step kernel (a GRU's n columns apart, as
        // r scales W_hn h + b_hn), so no step repacks or transposes it.
        let packed = cache.packedForward.pointer, packedN = cache.packedN.pointer
        ck_step_pack(cell == .gru ? 2 * h : g, h, wHH, h, 1, packed)
        if cell == .gru { ck_step_pack(h, h, wHH + 2 * h * h, h, 1, packedN) }
        if let h0 { hs.update(from: h0, count: batch * h) } else { hs.update(repeating: 0, count: batch * h) }
        if cell == .lstm {
            let cs = cache.cs.pointer
            if let c0 { cs.update(from: c0, count: batch * h) } else { cs.update(repeating: 0, count: batch * h) }
        }

        let chunk = RecurrentLayerCache.chunkSteps(batch: batch, gateWidth: g)
        for t0 in stride(from: 0, to: steps, by: chunk) {
            let n = min(chunk, steps - t0)
            GEMM.multiply(false, true, m: n * batch, n: g, k: inputSize, input + t0 * batch * inputSize, lda: inputSize,
                          p + weightIH, ldb: inputSize, xProj, ldc: g)
            addRowVector(folded, to: xProj, rows: n * batch, width: g)
            for t in t0..<(t0 + n) {
                let hPrev = hs + t * batch * h        // [B, H]
                let hNext = hPrev + batch * h         // [B, H]
                let xp = xProj + (t - t0) * batch * g
                let gt: UnsafeMutablePointer<Float>? = keepGates ? cache.gates.pointer + t * batch * g : nil
                switch cell {
                case .rnnTanh, .rnnReLU:
                    // pre = xProj_t + h_{t-1} @ W_hh^T, accumulated in place.
                    ck_step_gemm(batch, g, h, hPrev, h, packed, xp, g, 1)
                    if cell == .rnnTanh {
                        Activations.tanh(xp, hNext, count: batch * h)
                    } else {
                        for j in 0..<(batch * h) { hNext[j] = xp[j] > 0 ? xp[j] : 0 }
                    }
                case .gru:
                    // r, z: pre-activations accumulated into xProj; n: W_hn h separately into hn
                    // (one step's worth for inference, every step's for the backward pass).
                    let hnAll = cache.hn.pointer + (keepGates ? t * batch * h : 0)
                    ck_step_gemm(batch, 2 * h, h, hPrev, h, packed, xp, g, 1)
                    ck_step_gemm(batch, h, h, hPrev, h, packedN, hnAll, h, 0)
                    ck_gru_gates(batch, h, xp, hnAll, bHH + 2 * h, hPrev, hNext, gt)  // hn += b_hn in place
                case .lstm:
                    ck_step_gemm(batch, g, h, hPrev, h, packed, xp, g, 1)
                    let cPrev = cache.cs.pointer + t * batch * h, cNext = cPrev + batch * h
                    let tc: UnsafeMutablePointer<Float>? = keepGates ? cache.tanhC.pointer + t * batch * h : nil
                    ck_lstm_gates(batch, h, xp, cPrev, cNext, hNext, gt, tc)
                }
            }
        }
    }
}

/// `m[r, :] += v` for every row of a row-major [rows, width] matrix.
@inline(__always)
func addRowVector(_ v: UnsafePointer<Float>, to m: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    for r in 0..<rows {
        let row = m + r * width
        for j in 0..<width { row[j] += v[j] }
    }
}

/// `v += sum of the rows of m` ([rows, width]).
@inline(__always)
func addColumnSums(of m: UnsafePointer<Float>, rows: Int, width: Int, to v: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = m + r * width
        for j in 0..<width { v[j] += row[j] }
    }
}
