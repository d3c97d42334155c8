import CBench
import CKernels
import Foundation
import Neural
import Support

/// `ForecastBench kernels`: the per-step products of every configuration of `rnn` (forward
/// h @ W_hh^T, backward dgates @ W_hh; the GRU's forward as its r,z and n products) through
/// `ck_step_gemm` on the path in use (W_hh packed once, as the layers do) and through
/// OpenBLAS's `cblas_sgemm` (`GEMM.multiply`, one thread), in GFLOP/s, beside the core's
/// measured FMA peak. One JSON line per shape.
func benchKernels() {
    _ = GEMM.configured
    let minTime = Double(option("--min-time", "0.5")) ?? 0.5
    let peaks: [(String, Double)] = ["avx512", "avx2"].map { path in (path, cb_fma_peak(path, 100_000_000)) }
    for (path, peak) in peaks where peak > 0 {
        print("{\"record\": \"fma_peak\", \"tool\": \"forecast-swift\", \"path\": \"\(path)\", \"gflops\": \(String(format: "%.1f", peak))}")
    }
    let peak = peaks.map { $0.1 }.max() ?? 0
    var seen = Set<[Int]>()
    for c in RNNCase.all {
        for cell in [CellKind.gru, .lstm, .rnnTanh] {
            let h = c.H, g = cell.gates * h
            var shapes: [(String, Int, Int, Int)] = [("backward", c.B, h, g)]
            shapes += cell == .gru ? [("forward_rz", c.B, 2 * h, h), ("forward_n", c.B, h, h)] : [("forward", c.B, g, h)]
            for (direction, m, n, k) in shapes where seen.insert([m, n, k]).inserted {
                var rng = SplitMix64(seed: UInt64(m * n + k))
                let a = AlignedBuffer(count: m * k), b = AlignedBuffer(count: k * n), out = AlignedBuffer(count: m * n)
                for i in 0..<(m * k) { a.pointer[i] = Float(rng.nextUniform(in: -1, 1)) }
                for i in 0..<(k * n) { b.pointer[i] = Float(rng.nextUniform(in: -1, 1)) }
                let packed = AlignedBuffer(count: ck_step_packed_floats(n, k))
                ck_step_pack(n, k, b.pointer, n, 0, packed.pointer)
                let flops = 2.0 * Double(m * n * k)
                let step = timeSteps(warmup: 20, minTime: minTime, minReps: 50, maxReps: 1_000_000) {
                    ck_step_gemm(m, n, k, a.pointer, k, packed.pointer, out.pointer, n, 1)
                }
                let blas = timeSteps(warmup: 20, minTime: minTime, minReps: 50, maxReps: 1_000_000) {
                    GEMM.multiply(false, false, m: m, n: n, k: k, a.pointer, lda: k, b.pointer, ldb: n, beta: 1, out.pointer, ldc: n)
                }
                let stepRate = flops / step.median / 1e9, blasRate = flops / blas.median / 1e9
                print("{\"record\": \"kernel\", \"tool\": \"forecast-swift\", \"cfg\": \(c.cfg), \"cell\": \"\(cell.rawValue)\", "
                      + "\"product\": \"\(direction)\", \"m\": \(m), \"n\": \(n), \"k\": \(k), \"path\": \"\(String(cString: ck_isa()))\", "
                      + "\"blas_core\": \"\(String(cString: ck_blas_core()))\", "
                      + "\"step_gflops\": \(String(format: "%.1f", stepRate)), \"sgemm_gflops\": \(String(format: "%.1f", blasRate)), "
                      + "\"step_over_sgemm\": \(String(format: "%.2f", stepRate / blasRate)), "
                      + "\"step_of_peak\": \(String(format: "%.2f", peak > 0 ? stepRate / peak : 0))}")
                FileHandle.standardOutput.synchronizeFile()
            }
        }
    }
}
