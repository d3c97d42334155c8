#ifndef FORECAST_CKERNELS_H
#define FORECAST_CKERNELS_H

/// Vectorised activations for the recurrent layers, compiled for AVX-512, AVX2+FMA and a
/// baseline, the best one chosen at run time (Swift code is compiled for baseline x86-64:
/// SSE2, 4 lanes, no FMA). y may equal x; otherwise the two must not overlap.
void ck_tanh(const float *x, float *y, long n);
void ck_sigmoid(const float *x, float *y, long n);
/// The kernel path in use: "avx512", "avx2" or "portable" (SSE2). The widest the CPU has,
/// unless the environment variable FORECAST_KERNELS names one of the three: then that path,
/// and `ck_blas_follow` switches OpenBLAS to the matching core (SkylakeX, Haswell, Prescott),
/// overriding OPENBLAS_CORETYPE. Sums differ in order between paths, so results agree to about
/// 1e-6 relative across paths, and bit for bit on one path.
const char *ck_isa(void);
/// Switches OpenBLAS to the forced path's core (nothing when no path is forced). Call once,
/// before the first BLAS call and while no other thread runs one.
void ck_blas_follow(void);
/// The core OpenBLAS runs ("SkylakeX", "Haswell", ...), or "unknown".
const char *ck_blas_core(void);
/// Why FORECAST_KERNELS was not honoured, as a predicate ("takes avx512, avx2 or portable",
/// "asks for an instruction set this CPU does not have"; the widest path is used instead),
/// or NULL.
const char *ck_request_error(void);

/// The per-step product of a recurrent layer, C[m, n] = A[m, k] @ B[k, n] (+ C when
/// `accumulate`), row-major with row strides lda and ldc, B packed once per sequence by
/// `ck_step_pack` (W_hh^T for the forward step, W_hh for the backward one) into a buffer of
/// `ck_step_packed_floats(n, k)` floats, in the panel layout of the path in use. C must not
/// overlap A or the packed B. Each element adds its k products in order (FMA on the AVX
/// paths): the same bits on every run of one kernel path.
long ck_step_packed_floats(long n, long k);
/// Packs B, [k, n] with row stride ldb, or when `transposed` the [n, k] matrix b read as its
/// transpose (B[p][j] = b[j * ldb + p]: W_hh [G, H] packed as W_hh^T).
void ck_step_pack(long n, long k, const float *b, long ldb, int transposed, float *packed);
void ck_step_gemm(long m, long n, long k, const float *a, long lda, const float *packed,
                  float *c, long ldc, int accumulate);
/// Packs B ([k, n], stride ldb) and runs the step product on a named path ("avx512", "avx2",
/// "portable") whatever path is in use, for tests that hold every path to the reference.
/// Returns 1; 0 (computing nothing) when this CPU lacks the path or the name is unknown; -1
/// when the packed copy cannot be allocated.
int ck_step_gemm_on(const char *path, long m, long n, long k, const float *a, long lda, const float *b,
                    long ldb, float *c, long ldc, int accumulate);

/// One LSTM step's gates and state update over the batch, fused: x [batch, 4H] the step's
/// pre-activations (i, f, g, o; both sides and the biases summed); writes c_next and h_next
/// [batch, H]; with `gates` (training; NULL for inference) also the activated gates [batch, 4H]
/// and tanh(c) [batch, H] into `tanh_c`. No output may overlap an input.
void ck_lstm_gates(long batch, long h, const float *x, const float *c_prev, float *c_next, float *h_next,
                   float *gates, float *tanh_c);
/// One GRU step, fused: x [batch, 3H] (r and z pre-activations summed with the h side, n's
/// x side only), hn [batch, H] holding W_hn h_{t-1}, to which b_hn is added in place (the
/// backward pass reads it); writes h_next [batch, H] and, with `gates`, r, z, n [batch, 3H].
void ck_gru_gates(long batch, long h, const float *x, float *hn, const float *b_hn, const float *h_prev,
                  float *h_next, float *gates);
/// The backward of `ck_lstm_gates` for one step: from the kept gates [batch, 4H], tanh(c_t)
/// and c_{t-1} [batch, H], dLoss/dh_t (`dh`) and dLoss/dc_t (`dc`, replaced by dLoss/dc_{t-1}),
/// writes dLoss/d(pre-activations) [batch, 4H] into `dpre`.
void ck_lstm_gates_backward(long batch, long h, const float *gates, const float *tanh_c, const float *c_prev,
                            const float *dh, float *dc, float *dpre);
/// The backward of `ck_gru_gates`: from the kept r, z, n [batch, 3H], hn (W_hn h + b_hn) and
/// h_{t-1} [batch, H] and dLoss/dh_t in `dh` (replaced by its direct part to h_{t-1}, z dh),
/// writes the x-side pre-activation gradients [batch, 3H] into `dx` and the h-side ones
/// (the n gate's scaled by r) into `dhpre`.
void ck_gru_gates_backward(long batch, long h, const float *gates, const float *hn, const float *h_prev,
                           float *dh, float *dx, float *dhpre);

#endif
