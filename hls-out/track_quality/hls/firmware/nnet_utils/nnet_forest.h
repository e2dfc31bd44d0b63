// hepml-compile HLS layer library: decision forests (docs/numerics.md,
// "Forests"). Every split compares the input with a constant of the input's
// own type, `x[f] < c`, which the compiler chose so that it takes the float
// forest's branch on every input code; leaves and base scores are constants
// of the accumulator type, whose sums wrap (the inferred one never does);
// the assignment to res_T is the only quantization.
#ifndef NNET_FOREST_H_
#define NNET_FOREST_H_

#include "nnet_common.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace nnet {

struct forest_config : layer_config {
    static const unsigned n_features = 1;
    static const unsigned n_classes = 1;
    static const unsigned n_trees = 1;
    // All trees' nodes end to end; a tree's children are absolute indices.
    static const unsigned n_nodes = 1;
    // Splits on the longest path from a root to a leaf.
    static const unsigned max_depth = 1;
};

// All comparisons first, in parallel; then each tree follows its path bits
// to one leaf; the leaves are summed per class.
// feature[n] < 0 marks a leaf (left and right are -1 there).
template <class data_T, class res_T, typename CONFIG_T>
void forest(const data_T x[CONFIG_T::n_features], res_T res[CONFIG_T::n_classes],
            const int feature[CONFIG_T::n_nodes], const data_T threshold[CONFIG_T::n_nodes],
            const int left[CONFIG_T::n_nodes], const int right[CONFIG_T::n_nodes],
            const typename CONFIG_T::accum_t leaf[CONFIG_T::n_nodes],
            const int tree_root[CONFIG_T::n_trees], const int tree_class[CONFIG_T::n_trees],
            const typename CONFIG_T::accum_t base[CONFIG_T::n_classes]) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    bool go_left[CONFIG_T::n_nodes];
    #pragma HLS ARRAY_PARTITION variable=go_left complete
    Compare:
    for (unsigned n = 0; n < CONFIG_T::n_nodes; n++) {
        #pragma HLS UNROLL
        go_left[n] = feature[n] >= 0 && x[feature[n] >= 0 ? feature[n] : 0] < threshold[n];
    }
    typename CONFIG_T::accum_t acc[CONFIG_T::n_classes];
    #pragma HLS ARRAY_PARTITION variable=acc complete
    Base:
    for (unsigned k = 0; k < CONFIG_T::n_classes; k++) {
        #pragma HLS UNROLL
        acc[k] = base[k];
    }
    Trees:
    for (unsigned t = 0; t < CONFIG_T::n_trees; t++) {
        #pragma HLS UNROLL
        int n = tree_root[t];
        Walk:
        for (unsigned d = 0; d < CONFIG_T::max_depth; d++) {
            #pragma HLS UNROLL
            if (feature[n] >= 0) n = go_left[n] ? left[n] : right[n];
        }
        acc[tree_class[t]] += leaf[n];
    }
    Classes:
    for (unsigned k = 0; k < CONFIG_T::n_classes; k++) {
        #pragma HLS UNROLL
        res[k] = acc[k];
    }
}

} // namespace nnet

#pragma GCC diagnostic pop

#endif
