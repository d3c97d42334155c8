import CBLAS
import CKernels

/// Matrix products, all row-major Float32: `C = alpha * op(A) @ op(B) + beta * C`.
///
/// The large products of the engine (input projections over all T*B rows, weight
/// gradients, the head) go through `cblas_sgemm` (OpenBLAS picks its kernel at run time);
/// the small per-step products of a recurrent layer go through `ck_step_gemm` (CKernels),
/// with W_hh packed once per sequence. `naive` is the reference the tests hold both to.
public enum GEMM {
    /// Runs OpenBLAS on one thread (the second core is worth more to independent work:
    /// origins, series) and on the kernel path `FORECAST_KERNELS` forces, if any. Once, on
    /// the first product or network.
    public static let configured: Void = {
        ck_blas_follow()
        openblas_set_num_threads(1)
    }()

    /// `C[M,N] = alpha * op(A) @ op(B) + beta * C`, where op(A) is [M,K] and op(B) is [K,N].
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
    @inline(__always)
    public static func multiply(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        _ = configured
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The reference product (row-pointer loops, no BLAS), same contract as `multiply`.
    public static func naive(
        _ transA: Bool, _ transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            let ci = c + i * ldc
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aip = transA ? a[p * lda + i] : a[i * lda + p]
                    let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += aip * bpj
                }
                ci[j] = alpha * sum + (beta == 0 ? 0 : beta * ci[j])
            }
        }
    }
}
