import CKernels
@testable import Neural
import Support
import Testing

@Suite struct GEMMTests {
    @Test func blasEqualsTheNaiveKernelOnRandomShapes() {
        var g = SplitMix64(seed: 11)
        for trial in 0..<60 {
            let m = trial < 4 ? 1 : 1 + Int(g.next() % 70), n = trial < 4 ? 1 : 1 + Int(g.next() % 90)
            let k = trial < 4 ? 1 : 1 + Int(g.next() % 80)
            let transA = g.next() % 2 == 0, transB = g.next() % 2 == 0
            let alpha: Float = g.next() % 2 == 0 ? 1 : 0.75, beta: Float = g.next() % 2 == 0 ? 0 : 0.5
            let a = (0..<(m * k)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let b = (0..<(k * n)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            let c0 = (0..<(m * n)).map { _ in Float(g.nextUniform(in: -1, 1)) }
            var fast = c0, slow = c0
            let lda = transA ? m : k, ldb = transB ? k : n
            GEMM.multiply(transA, transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, &fast, ldc: n)
            GEMM.naive(transA, transB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb, beta: beta, &slow, ldc: n)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5 * Float(k).squareRoot() * 4, "\(m)x\(n)x\(k) transA \(transA) transB \(transB)")
        }
    }

    /// The per-step kernel on every path this CPU has, against the reference, on shapes that
    /// exercise every block and tail: 1x1x1, batch 1, odd sizes, strided operands, with and
    /// without accumulation. (The transposed packing of W_hh and the gate kernels are held to a
    /// reference by FusedKernelTests on the path in use, and on every path end to end by
    /// TrainPredictTests.) And one path gives the same bits on every call.
    @Test func stepKernelEqualsTheNaiveKernelOnEveryPath() {
        var g = SplitMix64(seed: 21)
        var paths = 0
        for path in ["avx512", "avx2", "portable"] {
            var probe: [Float] = [0]
            guard ck_step_gemm_on(path, 1, 1, 1, [1], 1, [1], 1, &probe, 1, 0) == 1 else { continue }
            paths += 1
            #expect(probe == [1])
            for trial in 0..<80 {
                let m = trial < 3 ? 1 : 1 + Int(g.next() % 70), n = trial < 2 ? 1 : 1 + Int(g.next() % 100)
                let k = trial < 2 ? 1 : 1 + Int(g.next() % 90)
                let lda = k + Int(g.next() % 3), ldb = n + Int(g.next() % 40), ldc = n + Int(g.next() % 5)
                let accumulate = g.next() % 2 == 0
                let a = (0..<(m * lda)).map { _ in Float(g.nextUniform(in: -1, 1)) }
                let b = (0..<(k * ldb)).map { _ in Float(g.nextUniform(in: -1, 1)) }
                let c0 = (0..<(m * ldc)).map { _ in Float(g.nextUniform(in: -1, 1)) }
                var fast = c0, again = c0, slow = c0
                _ = ck_step_gemm_on(path, m, n, k, a, lda, b, ldb, &fast, ldc, accumulate ? 1 : 0)
                _ = ck_step_gemm_on(path, m, n, k, a, lda, b, ldb, &again, ldc, accumulate ? 1 : 0)
                GEMM.naive(false, false, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, beta: accumulate ? 1 : 0, &slow, ldc: ldc)
                var worst: Float = 0
                for i in 0..<m {
                    for j in 0..<ldc {
                        // Inside the product the reference; the stride's padding untouched.
                        worst = max(worst, abs(fast[i * ldc + j] - (j < n ? slow[i * ldc + j] : c0[i * ldc + j])))
                    }
                }
                #expect(worst <= 1e-5 * Float(k).squareRoot() * 4, "\(path) \(m)x\(n)x\(k) accumulate \(accumulate)")
                #expect(fast == again, "\(path): the same bits on every call")
            }
        }
        #expect(paths >= 2)  // portable and at least AVX2 on every machine of this kind
        var none: [Float] = [0]
        #expect(ck_step_gemm_on("sse9", 1, 1, 1, [1], 1, [1], 1, &none, 1, 0) == 0)
    }
}
