#include "ckernels.h"

// One body, compiled twice on x86-64: for the baseline (SSE2) and for
// AVX2 + FMA; the compiler vectorizes the 8-wide loops either way.
#define DENSE_BODY                                                                  \
    for (ptrdiff_t b = 0; b < blocks; b++) {                                             \
        const double *xb = x + b * 8;                                               \
        for (ptrdiff_t j = 0; j < outputs; j++) {                                        \
            double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};                               \
            for (ptrdiff_t t = row_start[j]; t < row_start[j + 1]; t++) {                \
                const double *lane = xb + term_input[t] * lanes;                    \
                const double w = weight[t];                                         \
                for (int i = 0; i < 8; i++) acc[i] += w * lane[i];                  \
            }                                                                       \
            int64_t *out = y + j * lanes + b * 8;                                   \
            for (int i = 0; i < 8; i++)                                             \
                out[i] = (int64_t)((uint64_t)bias[j] + ((uint64_t)(int64_t)acc[i] << shift)); \
        }                                                                           \
    }

static void dense_generic(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, const ptrdiff_t *row_start, const ptrdiff_t *term_input,
                          const double *weight, ptrdiff_t outputs, const int64_t *bias, int shift, int64_t *y) {
    DENSE_BODY
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static void dense_avx2(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, const ptrdiff_t *row_start, const ptrdiff_t *term_input,
                       const double *weight, ptrdiff_t outputs, const int64_t *bias, int shift, int64_t *y) {
    DENSE_BODY
}
#endif

void hepml_dense_f64(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, const ptrdiff_t *row_start, const ptrdiff_t *term_input,
                     const double *weight, ptrdiff_t outputs, const int64_t *bias, int shift, int64_t *y) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        dense_avx2(x, lanes, blocks, row_start, term_input, weight, outputs, bias, shift, y);
        return;
    }
#endif
    dense_generic(x, lanes, blocks, row_start, term_input, weight, outputs, bias, shift, y);
}

// The float layer must round like the scalar Swift loop: no contraction
// of a * b + c into one fused operation.
#pragma STDC FP_CONTRACT OFF
#define FLOAT_BODY                                                                  \
    for (ptrdiff_t b = 0; b < blocks; b++) {                                        \
        const double *xb = x + b * 8;                                               \
        for (ptrdiff_t j = 0; j < outputs; j++) {                                   \
            double acc[8];                                                          \
            for (int i = 0; i < 8; i++) acc[i] = bias[j];                           \
            const double *w = weight + j * inputs;                                  \
            for (ptrdiff_t k = 0; k < inputs; k++) {                                \
                const double *lane = xb + k * lanes;                                \
                for (int i = 0; i < 8; i++) {                                       \
                    double p = w[k] * lane[i];                                      \
                    acc[i] = acc[i] + p;                                            \
                }                                                                   \
            }                                                                       \
            for (int i = 0; i < 8; i++) y[j * lanes + b * 8 + i] = acc[i];          \
        }                                                                           \
    }

static void float_generic(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, ptrdiff_t inputs,
                          const double *weight, ptrdiff_t outputs, const double *bias, double *y) {
    FLOAT_BODY
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2")))
static void float_avx2(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, ptrdiff_t inputs,
                       const double *weight, ptrdiff_t outputs, const double *bias, double *y) {
    FLOAT_BODY
}
#endif

void hepml_dense_float(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, ptrdiff_t inputs,
                       const double *weight, ptrdiff_t outputs, const double *bias, double *y) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (__builtin_cpu_supports("avx2")) {
        float_avx2(x, lanes, blocks, inputs, weight, outputs, bias, y);
        return;
    }
#endif
    float_generic(x, lanes, blocks, inputs, weight, outputs, bias, y);
}
