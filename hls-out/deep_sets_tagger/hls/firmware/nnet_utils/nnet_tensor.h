// hepml-compile HLS layer library: the data movement and maxima of models
// over tensors (max pooling, a max over axes, reshape, transpose, broadcast).
// Convolutions, per-particle dense layers and average pools arrive as dense
// layers whose rows read each output position's window: dense_sparse below
// lists each output's terms, with the arithmetic of nnet_dense.h.
#ifndef NNET_TENSOR_H_
#define NNET_TENSOR_H_

#include "nnet_activation.h"
#include "nnet_common.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct gather_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
};

// res[i] = Q_out(data[index[i]]): wires once unrolled.
template <class data_T, class res_T, typename CONFIG_T>
void gather(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out], const unsigned index[CONFIG_T::n_out]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Outputs:
    for (unsigned i = 0; i < CONFIG_T::n_out; i++) {
        #pragma HLS UNROLL
        res[i] = data[index[i]];
    }
}

struct maximum_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
    // Every group has this many members; a shorter group repeats its first
    // member (max(a, a) = a), so the loops have constant bounds.
    static const unsigned group_size = 1;
};

// res[j] = Q_out(max over k of data[member[j * group_size + k]]), compared exactly.
template <class data_T, class res_T, typename CONFIG_T>
void maximum(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
             const unsigned member[CONFIG_T::n_out * CONFIG_T::group_size]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Outputs:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        data_T m = data[member[j * CONFIG_T::group_size]];
        Members:
        for (unsigned k = 1; k < CONFIG_T::group_size; k++) {
            #pragma HLS UNROLL
            const data_T v = data[member[j * CONFIG_T::group_size + k]];
            if (v > m) m = v;
        }
        res[j] = m;
    }
}

struct dense_sparse_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned n_out = 1;
    // Terms per output; shorter rows are padded with weight 0 on input 0.
    static const unsigned n_terms = 1;
    // Multipliers the layer may use: n_out * n_terms at reuse factor 1; a
    // convolution with its own reuse factor R shares each among R products.
    static const unsigned multiplier_limit = 1000000;
    typedef linear activation;
};

// acc_j = Q_A(bias_j) + sum_k Q_A(w[j*n_terms+k] * x[index[j*n_terms+k]])  (mod 2^W_A)
// out_j = Q_out(activation(Q_pre(acc_j)))
template <class data_T, class res_T, typename CONFIG_T>
void dense_sparse(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_out * CONFIG_T::n_terms],
                  const unsigned index[CONFIG_T::n_out * CONFIG_T::n_terms],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable=weights complete
    #pragma HLS ARRAY_PARTITION variable=biases complete
    #pragma HLS ALLOCATION operation instances=mul limit=CONFIG_T::multiplier_limit
    Outputs:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        typename CONFIG_T::accum_t acc = biases[j];
        Terms:
        for (unsigned k = 0; k < CONFIG_T::n_terms; k++) {
            #pragma HLS UNROLL
            const unsigned t = j * CONFIG_T::n_terms + k;
            acc += (typename CONFIG_T::accum_t)(weights[t] * data[index[t]]);
        }
        res[j] = CONFIG_T::activation::template apply<res_T>((typename CONFIG_T::pre_t)acc);
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
