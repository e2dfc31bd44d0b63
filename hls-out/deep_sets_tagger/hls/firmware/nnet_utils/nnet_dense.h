// hepml-compile HLS layer library: dense layers.
//
// For each output j, with A = CONFIG_T::accum_t (always AP_WRAP):
//   acc_j = Q_A(bias_j) + sum_i Q_A(w_ij * x_i)      (mod 2^W_A, any order)
//   out_j = Q_out(activation(Q_pre(acc_j)))
// Assigning the exact product to accum_t is Q_A; += wraps in accum_t.
// Weights are stored input-major: w_ij is weights[i * n_out + j]. Pruned
// weights are stored as zero: their products vanish and HLS removes them.
#ifndef NNET_DENSE_H_
#define NNET_DENSE_H_

#include "nnet_activation.h"
#include "nnet_common.h"

// Loop labels name the loops in Vitis HLS reports; g++ -Wall would call them unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct dense_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
    // Multipliers in use: n_in * n_out / reuse_factor, rounded up.
    static const unsigned n_mult = 1;
    typedef linear activation;
};

// Latency strategy: every product has its own multiplier; the whole layer is
// one pipeline stage group with II = 1.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable=weights complete
    #pragma HLS ARRAY_PARTITION variable=biases complete
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    #pragma HLS ARRAY_PARTITION variable=acc complete

    Bias:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        acc[j] = biases[j];
    }
    Inputs:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        Outputs:
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            acc[j] += (typename CONFIG_T::accum_t)(weights[i * CONFIG_T::n_out + j] * data[i]);
        }
    }
    Result:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        res[j] = CONFIG_T::activation::template apply<res_T>((typename CONFIG_T::pre_t)acc[j]);
    }
}

// Resource strategy: n_mult multipliers, each used reuse_factor times. The
// products are visited in reuse_factor rounds of n_mult; a WRAP accumulator
// makes the result independent of that order.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    const unsigned n_weights = CONFIG_T::n_in * CONFIG_T::n_out;
    #pragma HLS ARRAY_RESHAPE variable=weights block factor=CONFIG_T::n_mult
    #pragma HLS ARRAY_PARTITION variable=biases complete
    #pragma HLS ALLOCATION operation instances=mul limit=CONFIG_T::n_mult
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    #pragma HLS ARRAY_PARTITION variable=acc complete

    Bias:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        acc[j] = biases[j];
    }
    Reuse:
    for (unsigned ir = 0; ir < CONFIG_T::reuse_factor; ir++) {
        #pragma HLS PIPELINE II=1 rewind
        Multipliers:
        for (unsigned im = 0; im < CONFIG_T::n_mult; im++) {
            #pragma HLS UNROLL
            unsigned w_index = ir + CONFIG_T::reuse_factor * im;
            if (w_index < n_weights) {
                unsigned i = w_index / CONFIG_T::n_out;
                unsigned j = w_index % CONFIG_T::n_out;
                acc[j] += (typename CONFIG_T::accum_t)(weights[w_index] * data[i]);
            }
        }
    }
    Result:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        res[j] = CONFIG_T::activation::template apply<res_T>((typename CONFIG_T::pre_t)acc[j]);
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
