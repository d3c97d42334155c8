import Testing
@testable import Neural

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
}
