// hepml-compile HLS layer library: batch normalization.
//
// The lowered IR's scale op (a batchnorm that could not be folded into a dense
// layer, or a dense layer with a diagonal weight matrix):
// out_i = Q_out(act(Q_pre(acc_i))) with
//   acc_i = Q_A(bias_i) + Q_A(scale_i * x_i)        (A wraps)
// One multiplier per element (a zero scale multiplies to zero).
#ifndef NNET_BATCHNORM_H_
#define NNET_BATCHNORM_H_

#include "nnet_activation.h"
#include "nnet_common.h"

// Loop labels name the loops in Vitis HLS reports; g++ -Wall would call them unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct batchnorm_config : layer_config {
    static const unsigned n_in = 1;
    typedef linear activation;
};

template <class data_T, class res_T, typename CONFIG_T>
void normalize(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_in],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_in]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable=scale complete
    #pragma HLS ARRAY_PARTITION variable=bias complete
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        typename CONFIG_T::accum_t acc = bias[i];
        acc += (typename CONFIG_T::accum_t)(scale[i] * data[i]);
        res[i] = CONFIG_T::activation::template apply<res_T>((typename CONFIG_T::pre_t)acc);
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
