import CKernels

extension RecurrentLayer {
    /// Backpropagation through time over the sequence of the last `forward`.
    ///
    /// `dOutput` is dLoss/dh_t for t = 1..T as [T*B, H] (nil: none, only the final state
    /// carries gradient); `dhFinal`, `dcFinal` are dLoss/dh_T and dLoss/dc_T from beyond the
    /// sequence ([B, H], nil: zero). Accumulates into `gradients` (zeroed by the caller);
    /// leaves dLoss/dh_0 in `cache.dh`, dLoss/dc_0 in `cache.dc` and, with
    /// `inputGradient`, dLoss/dx as [T*B, I] in `cache.dInput`.
    ///
    /// With `truncation` k, gradient flows back at most k steps from each step's output
    /// (truncated BPTT: the recurrent gradient is cut every k steps, counted from the end).
    ///
    /// Only dh_{t-1} = dgates_t @ W_hh runs per step; dW_ih, dW_hh, the biases and dx are one
    /// GEMM (or sum) each over all T*B rows.
    func backward(cache: RecurrentLayerCache, gradients gp: UnsafeMutablePointer<Float>,
                  dOutput: UnsafePointer<Float>?, dhFinal: UnsafePointer<Float>?, dcFinal: UnsafePointer<Float>?,
                  input: UnsafePointer<Float>, parameters p: UnsafePointer<Float>, steps: Int, batch: Int,
                  inputGradient: Bool, truncation: Int? = nil) {
        let h = hiddenSize, g = gateWidth, rows = steps * batch
        let hs = cache.hs.pointer, gates = cache.gates.pointer, dPre = cache.dPre.pointer
        let dhNext = cache.dh.pointer, dcNext = cache.dc.pointer
        let wHH = p + weightHH
        // W_hh [G, H] packed once for the per-step kernel: dh_{t-1} = dgates_t @ W_hh.
        let packedBack = cache.packedBack.pointer
        ck_step_pack(h, g, wHH, h, 0, packedBack)
        // For a GRU the h-side gate gradients differ from the x-side ones (r scales W_hn h).
        let dHPre = cell == .gru ? cache.dHPre.pointer : dPre
        if let dhFinal { dhNext.update(from: dhFinal, count: batch * h) } else { dhNext.update(repeating: 0, count: batch * h) }
        if cell.hasCellState {
            if let dcFinal { dcNext.update(from: dcFinal, count: batch * h) } else { dcNext.update(repeating: 0, count: batch * h) }
        }

        for t in stride(from: steps - 1, through: 0, by: -1) {
            if let truncation, truncation > 0, (steps - 1 - t) % truncation == 0, t != steps - 1 {
                dhNext.update(repeating: 0, count: batch * h)
                if cell.hasCellState { dcNext.update(repeating: 0, count: batch * h) }
            }
            // dh_t = dLoss/dh_t from this step's output plus what flows back from step t+1.
            if let dOutput {
                let dOut = dOutput + t * batch * h
                for j in 0..<(batch * h) { dhNext[j] += dOut[j] }
            }
            let gt = gates + t * batch * g, dp = dPre + t * batch * g, dhp = dHPre + t * batch * g
            let hPrev = hs + t * batch * h, hCur = hPrev + batch * h
            switch cell {
            case .rnnTanh:
                for b in 0..<batch {
                    let dh = dhNext + b * h, out = hCur + b * h, d = dp + b * g
                    for j in 0..<h { d[j] = dh[j] * (1 - out[j] * out[j]) }
                }
                ck_step_gemm(batch, h, g, dp, g, packedBack, dhNext, h, 0)
            case .rnnReLU:
                for b in 0..<batch {
                    let dh = dhNext + b * h, out = hCur + b * h, d = dp + b * g
                    for j in 0..<h { d[j] = out[j] > 0 ? dh[j] : 0 }
                }
                ck_step_gemm(batch, h, g, dp, g, packedBack, dhNext, h, 0)
            case .gru:
                ck_gru_gates_backward(batch, h, gt, cache.hn.pointer + t * batch * h, hPrev, dhNext, dp, dhp)
                ck_step_gemm(batch, h, g, dhp, g, packedBack, dhNext, h, 1)
            case .lstm:
                ck_lstm_gates_backward(batch, h, gt, cache.tanhC.pointer + t * batch * h, cache.cs.pointer + t * batch * h,
                                       dhNext, dcNext, dp)
                ck_step_gemm(batch, h, g, dp, g, packedBack, dhNext, h, 0)
            }
        }

        // Weight gradients: sums over all steps, one GEMM each.
        GEMM.multiply(true, false, m: g, n: inputSize, k: rows, dPre, lda: g, input, ldb: inputSize, beta: 1,
                      gp + weightIH, ldc: inputSize)
        addColumnSums(of: dPre, rows: rows, width: g, to: gp + biasIH)
        GEMM.multiply(true, false, m: g, n: h, k: rows, dHPre, lda: g, hs, ldb: h, beta: 1, gp + weightHH, ldc: h)
        addColumnSums(of: dHPre, rows: rows, width: g, to: gp + biasHH)
        if inputGradient {
            GEMM.multiply(false, false, m: rows, n: inputSize, k: g, dPre, lda: g, p + weightIH, ldb: inputSize,
                          cache.dInput.pointer, ldc: inputSize)
        }
    }
}
