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

#endif
