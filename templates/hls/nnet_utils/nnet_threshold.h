// hepml-compile HLS layer library: thresholds (docs/numerics.md,
// "Thresholds"), FINN's MultiThreshold on fixed-point codes. Each output
// counts the thresholds its input reaches, compared exactly (the thresholds
// have a type two bits wider than the input, so one above every input code
// fits); the count picks one of the n_steps + 1 output levels, constants of
// the output type: no arithmetic is ever rounded.
#ifndef NNET_THRESHOLD_H_
#define NNET_THRESHOLD_H_

#include "nnet_common.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct threshold_config : layer_config {
    static const unsigned n_in = 1;
    // One list per channel (element i reads list i % n_lists), or one shared.
    static const unsigned n_lists = 1;
    static const unsigned n_steps = 1;
};

// res[i] = level[#{k : data[i] >= threshold[(i % n_lists) * n_steps + k]}].
template <class data_T, class res_T, typename CONFIG_T>
void threshold(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::threshold_t threshold[CONFIG_T::n_lists * CONFIG_T::n_steps],
               const res_T level[CONFIG_T::n_steps + 1]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Outputs:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        unsigned count = 0;
        Steps:
        for (unsigned k = 0; k < CONFIG_T::n_steps; k++) {
            #pragma HLS UNROLL
            if (data[i] >= threshold[(i % CONFIG_T::n_lists) * CONFIG_T::n_steps + k]) count++;
        }
        res[i] = level[count];
    }
}

// res[i] = level[clamp((mult[c] * code(data[i]) + offset[c]) >> shift[c], 0, n_steps)],
// c = i % n_lists, with code(x) the raw code of x: the multiply-add-shift the
// compiler proved equal to the threshold lists on every code of data_T.
// line_t is a signed integer that holds every m * code + a exactly, and >>
// on it rounds toward minus infinity.
template <class data_T, class res_T, typename CONFIG_T>
void threshold_affine(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                      const typename CONFIG_T::line_t mult[CONFIG_T::n_lists],
                      const typename CONFIG_T::line_t offset[CONFIG_T::n_lists],
                      const unsigned shift[CONFIG_T::n_lists],
                      const res_T level[CONFIG_T::n_steps + 1]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    Outputs:
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const unsigned c = i % CONFIG_T::n_lists;
        typename CONFIG_T::line_t line = mult[c] * raw_code(data[i]) + offset[c];
        line = line >> shift[c];
        unsigned count = 0;
        if (line > (int)CONFIG_T::n_steps) count = CONFIG_T::n_steps;
        else if (line > 0) count = line.to_uint();
        res[i] = level[count];
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
