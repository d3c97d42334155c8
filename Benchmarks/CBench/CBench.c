#include "CBench.h"

#include <string.h>
#include <time.h>

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// 12 chains a = a * m + c: more than the FMA latency times the units, so throughput-bound.
#define PEAK(name, attr, vec, lanes)                                                   \
    attr static double name(long n) {                                                  \
        vec a[12], m, c;                                                               \
        for (int i = 0; i < lanes; i++) { m[i] = 0.999f; c[i] = 1e-3f; }               \
        for (int k = 0; k < 12; k++) a[k] = m;                                         \
        double t0 = now();                                                             \
        for (long i = 0; i < n; i++) {                                                 \
            _Pragma("clang loop unroll(full)")                                         \
            for (int k = 0; k < 12; k++) a[k] = a[k] * m + c;                          \
        }                                                                              \
        double t1 = now();                                                             \
        volatile float sink = 0;                                                       \
        for (int k = 0; k < 12; k++) sink += a[k][0];                                  \
        return 12.0 * lanes * 2 * n / (t1 - t0) / 1e9;                                 \
    }
PEAK(peak512, __attribute__((target("avx512f,fma"))), v16, 16)
PEAK(peak256, __attribute__((target("avx2,fma"))), v8, 8)

double cb_fma_peak(const char *path, long iterations) {
    __builtin_cpu_init();
    if (!strcmp(path, "avx512") && __builtin_cpu_supports("avx512f")) return peak512(iterations);
    if (!strcmp(path, "avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return peak256(iterations);
    return 0;
}
