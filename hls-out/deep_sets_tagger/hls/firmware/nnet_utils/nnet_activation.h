// hepml-compile HLS layer library: activations.
//
// Pointwise activations (linear, ReLU, LeakyReLU) are small policy structs so
// that a dense layer can apply them fused, after its accumulator. Sigmoid and
// tanh are table lookups, softmax uses an exp table and an inverse table; the
// table contents come from the lowered IR (firmware/weights/<layer>.h).
#ifndef NNET_ACTIVATION_H_
#define NNET_ACTIVATION_H_

#include "nnet_common.h"

// Loop labels name the loops in Vitis HLS reports; g++ -Wall would call them unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

// out = Q_out(x)
struct linear {
    template <class res_T, class data_T> static res_T apply(data_T x) {
        #pragma HLS INLINE
        return (res_T)x;
    }
};

// out = Q_out(max(x, 0))
struct relu {
    template <class res_T, class data_T> static res_T apply(data_T x) {
        #pragma HLS INLINE
        return x > 0 ? (res_T)x : (res_T)0;
    }
};

// out = Q_out(x) for x >= 0, else Q_out(alpha * x) with the exact product.
// ALPHA provides `typedef ... type` and `static type value()`.
template <class ALPHA> struct leaky_relu {
    template <class res_T, class data_T> static res_T apply(data_T x) {
        #pragma HLS INLINE
        if (x >= 0) return (res_T)x;
        return (res_T)(x * ALPHA::value());
    }
};

struct activation_config : layer_config {
    static const unsigned n_in = 1;
    typedef linear activation;
};

// A pointwise activation as a layer of its own.
template <class data_T, class res_T, typename CONFIG_T>
void activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = CONFIG_T::activation::template apply<res_T>(data[i]);
    }
}

// ---------------------------------------------------------------------------
// Sigmoid and tanh by table: with x the raw input code,
//   index = clamp((x >> shift) + table_size / 2, 0, table_size - 1)
// (a left shift when the configured shift is negative); out = table[index].

struct table_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned table_size = 1024;
    static const int shift_right = 0;
    static const int shift_left = 0;
    typedef ap_int<32> index_t;
};

template <class data_T, class res_T, typename CONFIG_T>
void table_activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                      const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Elements:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        typename CONFIG_T::index_t code = raw_code(data[i]);
        unsigned index = table_index<typename CONFIG_T::index_t, CONFIG_T::shift_right, CONFIG_T::shift_left,
                                     CONFIG_T::table_size / 2, CONFIG_T::table_size>(code);
        res[i] = table[index];
    }
}

// ---------------------------------------------------------------------------
// Softmax with two tables, on the raw input codes x (F fractional bits):
//   m      = max_i x[i]
//   e[i]   = exp_table[min((m - x[i]) >> exp_shift, exp_table_size - 1)]
//   s      = sum_i e[i]                          (exact, in sum_t)
//   inv    = inv_table[min(s >> inv_shift, inv_table_size - 1)]
//   out[i] = Q_out(e[i] * inv)                   (exact product)

struct softmax_config : layer_config {
    static const unsigned n_in = 1;
    static const unsigned exp_table_size = 1024;
    static const int exp_shift_right = 0;
    static const int exp_shift_left = 0;
    static const unsigned inv_table_size = 1024;
    static const int inv_shift_right = 0;
    static const int inv_shift_left = 0;
};

template <class data_T, class res_T, typename CONFIG_T>
void softmax(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
             const typename CONFIG_T::exp_t exp_table[CONFIG_T::exp_table_size],
             const typename CONFIG_T::inv_t inv_table[CONFIG_T::inv_table_size]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    typename CONFIG_T::exp_t e[CONFIG_T::n_in];
    #pragma HLS ARRAY_PARTITION variable=e complete

    data_T m = data[0];
    Maximum:
    for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        if (data[i] > m) m = data[i];
    }

    typename CONFIG_T::sum_t s = 0;
    Exponentials:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        // m - x[i] >= 0, exact in exp_index_t.
        typename CONFIG_T::exp_index_t d = raw_code(m);
        d = d - raw_code(data[i]);
        unsigned index = table_index<typename CONFIG_T::exp_index_t, CONFIG_T::exp_shift_right,
                                     CONFIG_T::exp_shift_left, 0, CONFIG_T::exp_table_size>(d);
        e[i] = exp_table[index];
        s += e[i];
    }

    typename CONFIG_T::inv_index_t sum_code = raw_code(s);
    typename CONFIG_T::inv_t inv = inv_table[table_index<typename CONFIG_T::inv_index_t, CONFIG_T::inv_shift_right,
                                                         CONFIG_T::inv_shift_left, 0, CONFIG_T::inv_table_size>(sum_code)];
    Normalize:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = e[i] * inv;
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
