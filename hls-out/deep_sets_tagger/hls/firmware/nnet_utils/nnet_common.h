// hepml-compile HLS layer library: shared definitions.
//
// Every layer of a compiled model is a function template over the data types
// and a CONFIG_T struct generated into firmware/parameters.h. The arithmetic
// is that of the lowered IR (docs/numerics.md): products and sums are exact
// and are quantized only by assignment to a declared ap_fixed type.
#ifndef NNET_COMMON_H_
#define NNET_COMMON_H_

#include "ap_fixed.h"
#include "ap_int.h"

namespace nnet {

// The raw two's-complement code of a fixed-point value, as an integer of the
// same width and signedness (x == raw_code(x) * 2^-F).
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
inline ap_int<W> raw_code(const ap_fixed<W, I, Q, O, N> &x) {
    #pragma HLS INLINE
    ap_int<W> r;
    r.range(W - 1, 0) = x.range(W - 1, 0);
    return r;
}

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
inline ap_uint<W> raw_code(const ap_ufixed<W, I, Q, O, N> &x) {
    #pragma HLS INLINE
    ap_uint<W> r;
    r.range(W - 1, 0) = x.range(W - 1, 0);
    return r;
}

// A table address: clamp(((code >> SHIFT_RIGHT) << SHIFT_LEFT) + OFFSET, 0, SIZE - 1).
// index_T is wide enough (chosen by the compiler) that neither shift nor the
// offset overflows, and at most one of the two shifts is nonzero.
template <class index_T, int SHIFT_RIGHT, int SHIFT_LEFT, int OFFSET, int SIZE>
inline unsigned table_index(index_T code) {
    #pragma HLS INLINE
    index_T v = code;
    v = v >> SHIFT_RIGHT;
    v = v << SHIFT_LEFT;
    v = v + OFFSET;
    if (v < 0) return 0;
    if (v > SIZE - 1) return SIZE - 1;
    return v.to_uint();
}

// Base configurations: the generated CONFIG_T structs derive from these and
// override what differs.
struct layer_config {
    static const unsigned reuse_factor = 1;
};

} // namespace nnet

#endif
