extension RecurrentLayer {
    /// Runs the layer over a whole sequence, keeping what the backward pass needs in `cache`.
    ///
    /// `input` is time-major [T*B, I] (row t*B + b is step t of sequence b). `h0`, `c0` are
    /// [B, H] (nil: zeros). Afterwards `cache.hs` holds h_0 ... h_T as [(T+1)*B, H], so the
    /// outputs are rows B ..< (T+1)*B, and for an LSTM `cache.cs` holds c_0 ... c_T.
    ///
    /// The input projection `X @ W_ih^T + b_ih` is one GEMM over all T*B rows; only
    /// `h_{t-1} @ W_hh^T` runs per step.
    func forward(cache: RecurrentLayerCache, input: UnsafePointer<Float>, h0: UnsafePointer<Float>?,
                 c0: UnsafePointer<Float>?, parameters p: UnsafePointer<Float>, steps: Int, batch: Int) {
        cache.reserve(steps: steps, batch: batch)
        let h = hiddenSize, g = gateWidth, rows = steps * batch
        let xProj = cache.xProj.pointer, hs = cache.hs.pointer, hProj = cache.hProj.pointer
        let gates = cache.gates.pointer
        let wHH = p + weightHH, bIH = p + biasIH, bHH = p + biasHH

        GEMM.multiply(false, true, m: rows, n: g, k: inputSize, input, lda: inputSize, p + weightIH, ldb: inputSize,
                      xProj, ldc: g)
        addRowVector(bIH, to: xProj, rows: rows, width: g)
        if let h0 { hs.update(from: h0, count: batch * h) } else { hs.update(repeating: 0, count: batch * h) }
        if cell == .lstm {
            let cs = cache.cs.pointer
            if let c0 { cs.update(from: c0, count: batch * h) } else { cs.update(repeating: 0, count: batch * h) }
        }

        for t in 0..<steps {
            let hPrev = hs + t * batch * h        // [B, H]
            let hNext = hPrev + batch * h         // [B, H]
            // hProj = h_{t-1} @ W_hh^T + b_hh   [B, G]
            for b in 0..<batch { (hProj + b * g).update(from: bHH, count: g) }
            GEMM.multiply(false, true, m: batch, n: g, k: h, hPrev, lda: h, wHH, ldb: h, beta: 1, hProj, ldc: g)
            let xp = xProj + t * batch * g, gt = gates + t * batch * g
            switch cell {
            case .rnnTanh, .rnnReLU:
                for b in 0..<batch {
                    let x = xp + b * g, hp = hProj + b * g, out = hNext + b * h
                    for j in 0..<h { out[j] = x[j] + hp[j] }
                    if cell == .rnnTanh {
                        Activations.tanh(out, out, count: h)
                    } else {
                        for j in 0..<h where out[j] < 0 { out[j] = 0 }
                    }
                }
            case .gru:
                let hnAll = cache.hn.pointer + t * batch * h
                for b in 0..<batch {
                    let x = xp + b * g, hp = hProj + b * g, gate = gt + b * g
                    let hn = hnAll + b * h, prev = hPrev + b * h, out = hNext + b * h
                    let r = gate, z = gate + h, n = gate + 2 * h
                    for j in 0..<(2 * h) { gate[j] = x[j] + hp[j] }
                    Activations.sigmoid(gate, gate, count: 2 * h)          // r, z
                    for j in 0..<h {
                        hn[j] = hp[2 * h + j]                               // W_hn h + b_hn
                        n[j] = x[2 * h + j] + r[j] * hn[j]
                    }
                    Activations.tanh(n, n, count: h)
                    for j in 0..<h { out[j] = n[j] + z[j] * (prev[j] - n[j]) }  // (1-z)n + z h
                }
            case .lstm:
                let cs = cache.cs.pointer, tanhC = cache.tanhC.pointer
                let cPrev = cs + t * batch * h, cNext = cPrev + batch * h, tc = tanhC + t * batch * h
                for b in 0..<batch {
                    let x = xp + b * g, hp = hProj + b * g, gate = gt + b * g
                    for j in 0..<g { gate[j] = x[j] + hp[j] }
                    Activations.sigmoid(gate, gate, count: 2 * h)           // i, f
                    Activations.tanh(gate + 2 * h, gate + 2 * h, count: h)  // g
                    Activations.sigmoid(gate + 3 * h, gate + 3 * h, count: h)  // o
                    let i = gate, f = gate + h, gg = gate + 2 * h, o = gate + 3 * h
                    let cp = cPrev + b * h, c = cNext + b * h, tcb = tc + b * h, out = hNext + b * h
                    for j in 0..<h { c[j] = f[j] * cp[j] + i[j] * gg[j] }
                    Activations.tanh(c, tcb, count: h)
                    for j in 0..<h { out[j] = o[j] * tcb[j] }
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
