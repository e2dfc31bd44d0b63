#ifndef HEPML_CKERNELS_H
#define HEPML_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The inner loop of a dense op over a batch of events (Reference's
/// BatchDense, `double` path), in C so that it can use the vector units the
/// machine has (AVX2 and FMA when present, chosen at run time; the baseline
/// vector unit otherwise), which Swift cannot select per function.
///
/// `x` holds the input lanes as Doubles: element k of event e at
/// `x[k * lanes + e]`. For each block of 8 events and each output j:
///   y[j * lanes + e] = bias[j] + ((int64_t) sum_t weight[t] * x[input[t] * lanes + e]) << shift
/// over the terms t in [row_start[j], row_start[j + 1]). The caller
/// guarantees every partial sum is an integer below 2^53 in magnitude, so
/// the Double arithmetic (fused or not) is exact and the result is the
/// integer sum; the shift and the bias add wrap modulo 2^64.
void hepml_dense_f64(const double *x, ptrdiff_t lanes, ptrdiff_t blocks,
                     const ptrdiff_t *row_start, const ptrdiff_t *term_input, const double *weight, ptrdiff_t outputs,
                     const int64_t *bias, int shift, int64_t *y);

/// A float dense layer over a batch of events, in the lane layout above:
///   y[j * lanes + e] = bias[j] + w[j][0] * x[0 * lanes + e] + w[j][1] * x[1 * lanes + e] + ...
/// added left to right, each product rounded before the sum (no fused
/// multiply-add), so that every event gets exactly the Double result of the
/// scalar loop. `weight` is row-major, `outputs` x `inputs`.
void hepml_dense_float(const double *x, ptrdiff_t lanes, ptrdiff_t blocks, ptrdiff_t inputs,
                       const double *weight, ptrdiff_t outputs, const double *bias, double *y);

#endif
