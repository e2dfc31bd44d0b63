// hepml-compile HLS layer library: the data movement and maxima of models
// over tensors (max pooling, a max over axes, reshape, transpose, broadcast).
// Convolutions, per-particle dense layers and average pools arrive as dense
// layers whose rows read each output position's window (nnet_dense.h).
#ifndef NNET_TENSOR_H_
#define NNET_TENSOR_H_

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

} // namespace nnet

#pragma GCC diagnostic pop

#endif
