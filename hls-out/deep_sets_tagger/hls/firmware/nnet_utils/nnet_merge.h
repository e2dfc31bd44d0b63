// hepml-compile HLS layer library: element-wise merges, sum, concatenation
// and requantization. Every right-hand side is exact (ap_fixed operators
// widen their result); the assignment to res_T is the only quantization.
#ifndef NNET_MERGE_H_
#define NNET_MERGE_H_

#include "nnet_common.h"

// Loop labels name the loops in Vitis HLS reports; g++ -Wall would call them unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct merge_config : layer_config {
    static const unsigned n_elem = 1;
};

// out[i] = Q_out(a[i] + b[i])
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void add(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        res[i] = a[i] + b[i];
    }
}

// out[i] = Q_out(a[i] - b[i])
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void subtract(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        res[i] = a[i] - b[i];
    }
}

// out[i] = Q_out(a[i] * b[i])
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void multiply(const a_T a[CONFIG_T::n_elem], const b_T b[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        res[i] = a[i] * b[i];
    }
}

// out[i] = Q_out(x[i])
template <class data_T, class res_T, typename CONFIG_T>
void quantize(const data_T data[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        res[i] = data[i];
    }
}

// out[0] = Q_out(sum_i x[i]); CONFIG_T::accum_t holds the sum exactly.
template <class data_T, class res_T, typename CONFIG_T>
void sum(const data_T data[CONFIG_T::n_elem], res_T res[1]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    typename CONFIG_T::accum_t acc = 0;
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
        #pragma HLS UNROLL
        acc += data[i];
    }
    res[0] = acc;
}

// Copies `n` elements of `data` into res[offset ...]; a concatenation is one
// call per input (every input already has the output's type).
template <class data_T, class res_T, unsigned N, unsigned OFFSET>
void copy_into(const data_T data[N], res_T *res) {
    #pragma HLS INLINE
    Elements:
    for (unsigned i = 0; i < N; i++) {
        #pragma HLS UNROLL
        res[OFFSET + i] = data[i];
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
