#ifndef FORECAST_CKERNELS_H
#define FORECAST_CKERNELS_H

/// Vectorised activations for the recurrent layers, compiled for AVX-512, AVX2+FMA and a
/// baseline, the best one chosen at run time (Swift code is compiled for baseline x86-64:
/// SSE2, 4 lanes, no FMA). y may equal x; otherwise the two must not overlap.
void ck_tanh(const float *x, float *y, long n);
void ck_sigmoid(const float *x, float *y, long n);
/// The instruction set in use: "avx512", "avx2" or "baseline".
const char *ck_isa(void);

#endif
