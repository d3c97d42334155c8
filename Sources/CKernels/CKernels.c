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

// ---------------------------------------------------------------------------------------
// The per-step product of a recurrent layer: C[m, n] (+)= A[m, k] @ B[k, n], row-major, m the
// batch (small), B the layer's W_hh^T [H, G] (forward) or W_hh [G, H] (backward). B is packed
// once per sequence into panels of NR = 2 vectors of columns, each panel [k, NR] contiguous
// (the last one padded with zeros), so a step reads B sequentially, once, and nothing is
// repacked per step (OpenBLAS repacks B on every call; and B read in place with a 4 KB row
// stride falls out of L1 between row blocks). Inside a panel the rows go MR at a time while
// the panel (k x NR floats, 32 KB at k = 256 on AVX-512) stays in L1. Each C element is its
// start value (0 or C) plus its k products added in order (FMA on the AVX paths): the same
// bits on every run of one path.

// Cases rows = R (for R <= MR) of `block_*`'s switch, one vector wide and two.
#define TILE_CASE(suffix, MR, R)                                                          \
    case R * 2:                                                                           \
        if (R <= MR) tile_##suffix(R <= MR ? R : 1, 1, k, a, lda, b, c, ldc, beta);      \
        break;                                                                            \
    case R * 2 + 1:                                                                       \
        if (R <= MR) tile_##suffix(R <= MR ? R : 1, 2, k, a, lda, b, c, ldc, beta);      \
        break;
#define DEFINE_STEP_GEMM(suffix, attr, VW, MR)                                           \
    typedef float vec_##suffix __attribute__((vector_size(VW * 4), aligned(4)));       \
    attr static inline vec_##suffix load_##suffix(const float *p) {                   \
        return *(const vec_##suffix *)p;                                              \
    }                                                                                 \
    attr static inline void store_##suffix(float *p, vec_##suffix v) {                \
        *(vec_##suffix *)p = v;                                                       \
    }                                                                                 \
    /* `rows` rows (<= MR) times `w` vectors (1 or 2) of a panel b ([k, 2 VW]); both */ \
    /* constants after inlining into `block_*`, so each shape keeps its accumulators */ \
    /* in registers. */                                                               \
    attr static inline __attribute__((always_inline)) void tile_##suffix(              \
        const int rows, const int w, long k, const float *a, long lda, const float *b,  \
        float *c, long ldc, int beta) {                                               \
        vec_##suffix acc0[MR], acc1[MR];                                              \
        _Pragma("clang loop unroll(full)")                                            \
        for (int r = 0; r < rows; r++) {                                              \
            acc0[r] = beta ? load_##suffix(c + r * ldc) : (vec_##suffix){0};         \
            acc1[r] = beta && w == 2 ? load_##suffix(c + r * ldc + VW) : (vec_##suffix){0}; \
        }                                                                             \
        for (long p = 0; p < k; p++) {                                                \
            vec_##suffix b0 = load_##suffix(b + p * 2 * VW);                          \
            vec_##suffix b1 = w == 2 ? load_##suffix(b + p * 2 * VW + VW) : (vec_##suffix){0}; \
            _Pragma("clang loop unroll(full)")                                        \
            for (int r = 0; r < rows; r++) {                                          \
                float x = a[r * lda + p];                                             \
                acc0[r] = acc0[r] + x * b0;                                           \
                if (w == 2) acc1[r] = acc1[r] + x * b1;                               \
            }                                                                         \
        }                                                                             \
        _Pragma("clang loop unroll(full)")                                            \
        for (int r = 0; r < rows; r++) {                                              \
            store_##suffix(c + r * ldc, acc0[r]);                                     \
            if (w == 2) store_##suffix(c + r * ldc + VW, acc1[r]);                    \
        }                                                                             \
    }                                                                                 \
    attr static void block_##suffix(long rows, int w, long k, const float *a, long lda, \
                                    const float *b, float *c, long ldc, int beta) {   \
        switch (rows * 2 + (w - 1)) {                                                 \
        TILE_CASE(suffix, MR, 1) TILE_CASE(suffix, MR, 2) TILE_CASE(suffix, MR, 3)    \
        TILE_CASE(suffix, MR, 4) TILE_CASE(suffix, MR, 5) TILE_CASE(suffix, MR, 6)    \
        TILE_CASE(suffix, MR, 7) TILE_CASE(suffix, MR, 8)                             \
        }                                                                             \
    }                                                                                 \
    attr static void step_gemm_##suffix(long m, long n, long k, const float *a, long lda, \
                                        const float *packed, float *c, long ldc, int beta) { \
        const long nr = 2 * VW;                                                       \
        for (long j = 0; j < n; j += nr) {                                            \
            const float *panel = packed + (j / nr) * k * nr;                          \
            long cols = n - j < nr ? n - j : nr;                                      \
            if (cols % VW == 0) {                                                     \
                for (long i = 0; i < m; i += MR) {                                    \
                    long rows = m - i < MR ? m - i : MR;                              \
                    block_##suffix(rows, (int)(cols / VW), k, a + i * lda, lda, panel, \
                                   c + i * ldc + j, ldc, beta);                       \
                }                                                                     \
            } else {                                                                  \
                /* The last, partial panel: through a full-width scratch row block. */ \
                float scratch[MR * 2 * VW];                                           \
                for (long i = 0; i < m; i += MR) {                                    \
                    long rows = m - i < MR ? m - i : MR;                              \
                    for (long r = 0; r < rows; r++)                                   \
                        for (long q = 0; q < nr; q++)                                 \
                            scratch[r * nr + q] = beta && q < cols ? c[(i + r) * ldc + j + q] : 0.0f; \
                    block_##suffix(rows, 2, k, a + i * lda, lda, panel, scratch, nr, beta); \
                    for (long r = 0; r < rows; r++)                                   \
                        for (long q = 0; q < cols; q++) c[(i + r) * ldc + j + q] = scratch[r * nr + q]; \
                }                                                                     \
            }                                                                         \
        }                                                                             \
    }

DEFINE_STEP_GEMM(avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))), 16, 8)
DEFINE_STEP_GEMM(avx2, __attribute__((target("avx2,fma"))), 8, 6)
DEFINE_STEP_GEMM(baseline, , 4, 4)

// ---------------------------------------------------------------------------------------
// The gate non-linearities and state update of one step, fused over the whole batch:
// x holds the step's pre-activations [batch, G] (x-side and h-side summed, biases folded),
// row stride G. With `gates` (training) the activated gates are kept [batch, G] for the
// backward pass, else (inference) nothing but the new state is written.
#define SIGMOID(v, out) { float h_ = 0.5f * (v); TANH_BODY(h_) out = 0.5f + 0.5f * (p / q); }
#define TANH(v, out) { TANH_BODY(v) out = p / q; }
// One element j of an LSTM (GRU) row: STORE is 1 where the activated gates are kept. The
// two loops of each kernel differ only in STORE, so each is vectorised without a branch.
#define LSTM_ELEMENT(STORE)                                                            \
    {                                                                                  \
        float i, f, gg, o, tc;                                                         \
        SIGMOID(xb[j], i)                                                              \
        SIGMOID(xb[h + j], f)                                                          \
        TANH(xb[2 * h + j], gg)                                                        \
        SIGMOID(xb[3 * h + j], o)                                                      \
        float c = f * cp[j] + i * gg;                                                  \
        TANH(c, tc)                                                                    \
        cn[j] = c;                                                                     \
        hb[j] = o * tc;                                                                \
        if (STORE) {                                                                   \
            gb[j] = i; gb[h + j] = f; gb[2 * h + j] = gg; gb[3 * h + j] = o;           \
            tcb[j] = tc;                                                               \
        }                                                                              \
    }
#define GRU_ELEMENT(STORE)                                                             \
    {                                                                                  \
        float r, z, n;                                                                 \
        SIGMOID(xb[j], r)                                                              \
        SIGMOID(xb[h + j], z)                                                          \
        float hnj = hnb[j] + b_hn[j];                                                  \
        float pre = xb[2 * h + j] + r * hnj;                                           \
        TANH(pre, n)                                                                   \
        hb[j] = n + z * (hp[j] - n);                                                   \
        hnb[j] = hnj;                                                                  \
        if (STORE) { gb[j] = r; gb[h + j] = z; gb[2 * h + j] = n; }                    \
    }
#define DEFINE_GATES(suffix, attr)                                                     \
    attr static void lstm_gates_##suffix(long batch, long h, const float *restrict x,  \
                                         const float *restrict c_prev, float *restrict c_next, \
                                         float *restrict h_next, float *restrict gates, \
                                         float *restrict tanh_c) {                     \
        long g = 4 * h;                                                                \
        for (long b = 0; b < batch; b++) {                                             \
            const float *restrict xb = x + b * g;                                      \
            const float *restrict cp = c_prev + b * h;                                 \
            float *restrict cn = c_next + b * h, *restrict hb = h_next + b * h;        \
            if (gates) {                                                               \
                float *restrict gb = gates + b * g, *restrict tcb = tanh_c + b * h;    \
                _Pragma("clang loop vectorize(enable) interleave(enable)")             \
                for (long j = 0; j < h; j++) LSTM_ELEMENT(1)                           \
            } else {                                                                   \
                float *gb = 0, *tcb = 0;                                               \
                (void)gb; (void)tcb;                                                   \
                _Pragma("clang loop vectorize(enable) interleave(enable)")             \
                for (long j = 0; j < h; j++) LSTM_ELEMENT(0)                           \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
    attr static void gru_gates_##suffix(long batch, long h, const float *restrict x,   \
                                        float *restrict hn, const float *restrict b_hn, \
                                        const float *restrict h_prev, float *restrict h_next, \
                                        float *restrict gates) {                       \
        long g = 3 * h;                                                                \
        for (long b = 0; b < batch; b++) {                                             \
            const float *restrict xb = x + b * g, *restrict hp = h_prev + b * h;       \
            float *restrict hnb = hn + b * h, *restrict hb = h_next + b * h;           \
            if (gates) {                                                               \
                float *restrict gb = gates + b * g;                                    \
                _Pragma("clang loop vectorize(enable) interleave(enable)")             \
                for (long j = 0; j < h; j++) GRU_ELEMENT(1)                            \
            } else {                                                                   \
                float *gb = 0;                                                         \
                (void)gb;                                                              \
                _Pragma("clang loop vectorize(enable) interleave(enable)")             \
                for (long j = 0; j < h; j++) GRU_ELEMENT(0)                            \
            }                                                                          \
        }                                                                              \
    }

// The backward of one step's gates, fused over the batch (the derivatives of the forward
// kernels above, from the activated gates the training pass kept).
#define DEFINE_GATES_BACKWARD(suffix, attr)                                            \
    attr static void lstm_backward_##suffix(long batch, long h, const float *restrict gates, \
                                            const float *restrict tanh_c, const float *restrict c_prev, \
                                            const float *restrict dh, float *restrict dc, \
                                            float *restrict dpre) {                    \
        long g = 4 * h;                                                                \
        for (long b = 0; b < batch; b++) {                                             \
            const float *restrict i = gates + b * g, *restrict f = i + h;              \
            const float *restrict gg = i + 2 * h, *restrict o = i + 3 * h;             \
            const float *restrict tc = tanh_c + b * h, *restrict cp = c_prev + b * h;  \
            const float *restrict dhb = dh + b * h;                                    \
            float *restrict dcb = dc + b * h;                                          \
            float *restrict di = dpre + b * g, *restrict df = di + h;                  \
            float *restrict dg = di + 2 * h, *restrict dO = di + 3 * h;                \
            _Pragma("clang loop vectorize(enable) interleave(enable)")                 \
            for (long j = 0; j < h; j++) {                                             \
                float d = dhb[j];                                                      \
                float c = dcb[j] + d * o[j] * (1 - tc[j] * tc[j]);                     \
                di[j] = c * gg[j] * i[j] * (1 - i[j]);                                 \
                df[j] = c * cp[j] * f[j] * (1 - f[j]);                                 \
                dg[j] = c * i[j] * (1 - gg[j] * gg[j]);                                \
                dO[j] = d * tc[j] * o[j] * (1 - o[j]);                                 \
                dcb[j] = c * f[j];                                                     \
            }                                                                          \
        }                                                                              \
    }                                                                                  \
    attr static void gru_backward_##suffix(long batch, long h, const float *restrict gates, \
                                           const float *restrict hn, const float *restrict h_prev, \
                                           float *restrict dh, float *restrict dx,     \
                                           float *restrict dhpre) {                    \
        long g = 3 * h;                                                                \
        for (long b = 0; b < batch; b++) {                                             \
            const float *restrict r = gates + b * g, *restrict z = r + h, *restrict n = r + 2 * h; \
            const float *restrict hnb = hn + b * h, *restrict hp = h_prev + b * h;     \
            float *restrict dhb = dh + b * h;                                          \
            float *restrict dxr = dx + b * g, *restrict dxz = dxr + h, *restrict dxn = dxr + 2 * h; \
            float *restrict dhr = dhpre + b * g, *restrict dhz = dhr + h, *restrict dhn = dhr + 2 * h; \
            _Pragma("clang loop vectorize(enable) interleave(enable)")                 \
            for (long j = 0; j < h; j++) {                                             \
                float d = dhb[j];                                                      \
                float dn = d * (1 - z[j]) * (1 - n[j] * n[j]);                         \
                float dz = d * (hp[j] - n[j]) * z[j] * (1 - z[j]);                     \
                float dr = dn * hnb[j] * r[j] * (1 - r[j]);                            \
                dxr[j] = dr; dxz[j] = dz; dxn[j] = dn;                                 \
                dhr[j] = dr; dhz[j] = dz; dhn[j] = dn * r[j];                          \
                dhb[j] = d * z[j];                                                     \
            }                                                                          \
        }                                                                              \
    }

DEFINE_GATES_BACKWARD(avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))))
DEFINE_GATES_BACKWARD(avx2, __attribute__((target("avx2,fma"))))
DEFINE_GATES_BACKWARD(baseline, )

typedef void (*lstm_backward_kernel)(long, long, const float *, const float *, const float *, const float *, float *, float *);
typedef void (*gru_backward_kernel)(long, long, const float *, const float *, const float *, float *, float *, float *);

DEFINE_GATES(avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))))
DEFINE_GATES(avx2, __attribute__((target("avx2,fma"))))
DEFINE_GATES(baseline, )

typedef void (*lstm_gates_kernel)(long, long, const float *, const float *, float *, float *, float *, float *);
typedef void (*gru_gates_kernel)(long, long, const float *, float *, const float *, const float *, float *, float *);

typedef void (*kernel)(const float *restrict, float *restrict, long);
typedef void (*inplace_kernel)(float *, long);
typedef void (*step_gemm_kernel)(long, long, long, const float *, long, const float *, float *, long, int);

// One kernel path: its name, the CPU features it needs, OpenBLAS's matching core, and every
// kernel compiled for it. The one list of paths; `active` is chosen before main.
struct path {
    const char *name, *blas_core;
    int (*supported)(void);
    kernel tanh, sigmoid;
    inplace_kernel tanh_inplace, sigmoid_inplace;
    step_gemm_kernel step_gemm;
    long panel_width;  // columns of a packed panel: two vectors
    lstm_gates_kernel lstm_gates;
    gru_gates_kernel gru_gates;
    lstm_backward_kernel lstm_backward;
    gru_backward_kernel gru_backward;
};
static int has_avx512(void) { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"); }
static int has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
static int always(void) { return 1; }
#define PATH(label, core, test, suffix, width)                                         \
    {label, core, test, tanh_##suffix, sigmoid_##suffix, tanh_inplace_##suffix,        \
     sigmoid_inplace_##suffix, step_gemm_##suffix, width, lstm_gates_##suffix,         \
     gru_gates_##suffix, lstm_backward_##suffix, gru_backward_##suffix}
static const struct path paths[] = {  // widest first
    PATH("avx512", "SkylakeX", has_avx512, avx512, 32),
    PATH("avx2", "Haswell", has_avx2, avx2, 16),
    PATH("portable", "Prescott", always, baseline, 8),
};
static const struct path *active;
static const char *request_error;
static int forced;

// The path called `name` when this CPU has it, else NULL.
static const struct path *path_named(const char *name) {
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (!strcmp(paths[i].name, name)) return paths[i].supported() ? &paths[i] : NULL;
    }
    return NULL;
}

// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels in its own constructor
// (which may run after ours); these entry points let a forced path choose its core again. Weak: a
// build without them (or without OpenBLAS) leaves BLAS as it chose.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

static void choose(void) {
    __builtin_cpu_init();
    const char *requested = getenv("FORECAST_KERNELS");
    if (requested && *requested) {
        if (strcmp(requested, "avx512") && strcmp(requested, "avx2") && strcmp(requested, "portable")) {
            request_error = "takes avx512, avx2 or portable";
        } else if (!(active = path_named(requested))) {
            request_error = "asks for an instruction set this CPU does not have";
        } else {
            forced = 1;
            return;
        }
    }
    for (size_t i = 0; !active; i++) active = paths[i].supported() ? &paths[i] : NULL;  // portable always is
}

// Runs before main, so the pointers are set before any thread can call the kernels.
__attribute__((constructor)) static void ck_init(void) { choose(); }

void ck_tanh(const float *x, float *y, long n) {
    if (x == y) active->tanh_inplace(y, n); else active->tanh(x, y, n);
}
void ck_sigmoid(const float *x, float *y, long n) {
    if (x == y) active->sigmoid_inplace(y, n); else active->sigmoid(x, y, n);
}
const char *ck_isa(void) { return active->name; }
// Whether OpenBLAS fell back to its generic SSE3 core on a CPU it does not know (0.3.21 takes
// an Emerald Rapids Xeon, family 6 model 207, for a Prescott: its products then run at SSE
// speed) while this CPU has a wider path, and nobody asked for that core.
static int blas_fell_back(void) {
    if (!openblas_get_corename || active == &paths[sizeof paths / sizeof paths[0] - 1]) return 0;
    const char *core = openblas_get_corename();
    const char *asked = getenv("OPENBLAS_CORETYPE");
    return core && !strcmp(core, "Prescott") && !(asked && *asked);
}

void ck_blas_follow(void) {
    // The same path for BLAS: FORECAST_KERNELS overrides OPENBLAS_CORETYPE (some images set
    // the latter for every program); a generic fallback of OpenBLAS's own takes this path's core.
    if ((forced || blas_fell_back()) && gotoblas_dynamic_init && gotoblas_dynamic_quit) {
        setenv("OPENBLAS_CORETYPE", active->blas_core, 1);
        gotoblas_dynamic_quit();
        gotoblas_dynamic_init();
    }
}
const char *ck_blas_core(void) { return openblas_get_corename ? openblas_get_corename() : "unknown"; }
const char *ck_request_error(void) { return request_error; }
// Packs B ([k, n] with row stride ldb, or its transpose when `transposed`: B[p][j] =
// b[j * ldb + p]) into panels of `width` columns, the last padded with zeros.
static void pack_panels(long width, long n, long k, const float *b, long ldb, int transposed, float *packed) {
    for (long j0 = 0; j0 < n; j0 += width) {
        float *panel = packed + (j0 / width) * k * width;
        for (long p = 0; p < k; p++) {
            for (long q = 0; q < width; q++) {
                long j = j0 + q;
                panel[p * width + q] = j < n ? (transposed ? b[j * ldb + p] : b[p * ldb + j]) : 0.0f;
            }
        }
    }
}

long ck_step_packed_floats(long n, long k) {
    long width = active->panel_width;
    return (n + width - 1) / width * width * k;
}
void ck_step_pack(long n, long k, const float *b, long ldb, int transposed, float *packed) {
    pack_panels(active->panel_width, n, k, b, ldb, transposed, packed);
}
void ck_step_gemm(long m, long n, long k, const float *a, long lda, const float *packed,
                  float *c, long ldc, int accumulate) {
    if (m > 0 && n > 0) active->step_gemm(m, n, k, a, lda, packed, c, ldc, accumulate);
}
int ck_step_gemm_on(const char *path, long m, long n, long k, const float *a, long lda, const float *b,
                    long ldb, float *c, long ldc, int accumulate) {
    __builtin_cpu_init();
    const struct path *chosen = path_named(path);
    if (!chosen) return 0;
    long width = chosen->panel_width;
    if (m <= 0 || n <= 0) return 1;
    float *packed = malloc(sizeof(float) * (size_t)((n + width - 1) / width * width * (k > 0 ? k : 1)));
    if (!packed) return -1;
    pack_panels(width, n, k, b, ldb, 0, packed);
    chosen->step_gemm(m, n, k, a, lda, packed, c, ldc, accumulate);
    free(packed);
    return 1;
}
void ck_lstm_gates(long batch, long h, const float *x, const float *c_prev, float *c_next, float *h_next,
                   float *gates, float *tanh_c) {
    active->lstm_gates(batch, h, x, c_prev, c_next, h_next, gates, tanh_c);
}
void ck_gru_gates(long batch, long h, const float *x, float *hn, const float *b_hn, const float *h_prev,
                  float *h_next, float *gates) {
    active->gru_gates(batch, h, x, hn, b_hn, h_prev, h_next, gates);
}
void ck_lstm_gates_backward(long batch, long h, const float *gates, const float *tanh_c, const float *c_prev,
                            const float *dh, float *dc, float *dpre) {
    active->lstm_backward(batch, h, gates, tanh_c, c_prev, dh, dc, dpre);
}
void ck_gru_gates_backward(long batch, long h, const float *gates, const float *hn, const float *h_prev,
                           float *dh, float *dx, float *dhpre) {
    active->gru_backward(batch, h, gates, hn, h_prev, dh, dx, dhpre);
}
