#ifndef FORECAST_CBENCH_H
#define FORECAST_CBENCH_H

/// The FMA peak of one core in GFLOP/s on a path ("avx512": 512-bit vectors, "avx2": 256-bit),
/// measured with 12 independent FMA chains for `iterations` rounds; 0 when this CPU lacks the
/// path. Benchmark-only: the figure the kernels' GFLOP/s are read against.
double cb_fma_peak(const char *path, long iterations);

#endif
