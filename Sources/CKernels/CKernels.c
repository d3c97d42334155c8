#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

// Eigen's rational [13/6] tanh on [-7.9053, 7.9053], the same approximation as the Swift
// kernels (max abs error 3.7e-7); sigmoid(x) = 0.5 + 0.5 tanh(x / 2).
#define TANH_BODY(x)                                                                  \
    float xc = x < -7.90531110763549805f ? -7.90531110763549805f                      \
             : (x > 7.90531110763549805f ? 7.90531110763549805f : x);                 \
    float x2 = xc * xc;                                                               \
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;                    \
    p = x2 * p + -8.60467152213735e-11f;                                              \
    p = x2 * p + 5.12229709037114e-08f;                                               \
    p = x2 * p + 1.48572235717979e-05f;                                               \
    p = x2 * p + 6.37261928875436e-04f;                                               \
    p = x2 * p + 4.89352455891786e-03f;                                               \
    p = xc * p;                                                                       \
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;                     \
    q = x2 * q + 2.26843463243900e-03f;                                               \
    q = x2 * q + 4.89352518554385e-03f;

// Separate loops for distinct and identical buffers: `restrict` lets the vectoriser skip
// its run-time overlap check, which would send every in-place call down the scalar path.
#define DEFINE_KERNELS(suffix, attr)                                                  \
    attr static void tanh_##suffix(const float *restrict x, float *restrict y, long n) { \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                    \
        for (long i = 0; i < n; i++) { TANH_BODY(x[i]) y[i] = p / q; }                \
    }                                                                                 \
    attr static void tanh_inplace_##suffix(float *y, long n) {                        \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                    \
        for (long i = 0; i < n; i++) { TANH_BODY(y[i]) y[i] = p / q; }                \
    }                                                                                 \
    attr static void sigmoid_##suffix(const float *restrict x, float *restrict y, long n) { \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                    \
        for (long i = 0; i < n; i++) { float h = 0.5f * x[i]; TANH_BODY(h) y[i] = 0.5f + 0.5f * (p / q); } \
    }                                                                                 \
    attr static void sigmoid_inplace_##suffix(float *y, long n) {                     \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                    \
        for (long i = 0; i < n; i++) { float h = 0.5f * y[i]; TANH_BODY(h) y[i] = 0.5f + 0.5f * (p / q); } \
    }

DEFINE_KERNELS(avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))))
DEFINE_KERNELS(avx2, __attribute__((target("avx2,fma"))))
DEFINE_KERNELS(baseline, )

typedef void (*kernel)(const float *restrict, float *restrict, long);
typedef void (*inplace_kernel)(float *, long);
static kernel tanh_impl, sigmoid_impl;
static inplace_kernel tanh_inplace_impl, sigmoid_inplace_impl;
static const char *isa_name, *blas_core, *request_error;
static int forced;

// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels in its own constructor
// (which may run after ours); these entry points let a forced path choose its core again. Weak: a
// build without them (or without OpenBLAS) leaves BLAS as it chose.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

static int use(const char *name) {
    if (!strcmp(name, "avx512")) {
        if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))) return 0;
        tanh_impl = tanh_avx512; sigmoid_impl = sigmoid_avx512; isa_name = "avx512"; blas_core = "SkylakeX";
        tanh_inplace_impl = tanh_inplace_avx512; sigmoid_inplace_impl = sigmoid_inplace_avx512;
    } else if (!strcmp(name, "avx2")) {
        if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
        tanh_impl = tanh_avx2; sigmoid_impl = sigmoid_avx2; isa_name = "avx2"; blas_core = "Haswell";
        tanh_inplace_impl = tanh_inplace_avx2; sigmoid_inplace_impl = sigmoid_inplace_avx2;
    } else {
        tanh_impl = tanh_baseline; sigmoid_impl = sigmoid_baseline; isa_name = "portable"; blas_core = "Prescott";
        tanh_inplace_impl = tanh_inplace_baseline; sigmoid_inplace_impl = sigmoid_inplace_baseline;
    }
    return 1;
}

static void choose(void) {
    __builtin_cpu_init();
    const char *requested = getenv("FORECAST_KERNELS");
    if (requested && *requested) {
        if (strcmp(requested, "avx512") && strcmp(requested, "avx2") && strcmp(requested, "portable")) {
            request_error = "takes avx512, avx2 or portable";
        } else if (!use(requested)) {
            request_error = "asks for an instruction set this CPU does not have";
        } else {
            forced = 1;
            return;
        }
    }
    if (!use("avx512") && !use("avx2")) use("portable");
}

// Runs before main, so the pointers are set before any thread can call the kernels.
__attribute__((constructor)) static void ck_init(void) { choose(); }

void ck_tanh(const float *x, float *y, long n) {
    if (x == y) tanh_inplace_impl(y, n); else tanh_impl(x, y, n);
}
void ck_sigmoid(const float *x, float *y, long n) {
    if (x == y) sigmoid_inplace_impl(y, n); else sigmoid_impl(x, y, n);
}
const char *ck_isa(void) { return isa_name; }
void ck_blas_follow(void) {
    // The same path for BLAS: FORECAST_KERNELS overrides OPENBLAS_CORETYPE (some images set
    // the latter for every program).
    if (forced && gotoblas_dynamic_init && gotoblas_dynamic_quit) {
        setenv("OPENBLAS_CORETYPE", blas_core, 1);
        gotoblas_dynamic_quit();
        gotoblas_dynamic_init();
    }
}
const char *ck_blas_core(void) { return openblas_get_corename ? openblas_get_corename() : "unknown"; }
const char *ck_request_error(void) { return request_error; }
