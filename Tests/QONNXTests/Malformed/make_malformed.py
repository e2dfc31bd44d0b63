#!/usr/bin/env python3
"""Writes the malformed and unsupported ONNX files of Tests/QONNXTests:
`python3 -I make_malformed.py OUTDIR`. expected.json maps each file to a
piece of its error message (the test wants exit 2, that message, and no output).
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper

Q = "qonnx.custom_op.general"


def f32(name, values, dims=None):
    arr = np.asarray(values, dtype=np.float32)
    return helper.make_tensor(name, TensorProto.FLOAT, dims if dims is not None else arr.shape, arr.flatten().tolist())


def quant(x, out, scale="s", zp="z", bits="b", **attrs):
    attrs.setdefault("signed", 1)
    attrs.setdefault("narrow", 0)
    attrs.setdefault("rounding_mode", "ROUND")
    return helper.make_node("Quant", [x, scale, zp, bits], [out], name=out, domain=Q, **attrs)


def model(nodes, inits, outputs=(("y", 4),), inp=("x", ["N", 4]), elem=TensorProto.FLOAT, domain=Q):
    g = helper.make_graph(nodes, "bad", [helper.make_tensor_value_info(inp[0], elem, inp[1])],
                          [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", k]) for n, k in outputs], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(domain, 1)])
    m.ir_version = 8
    return m.SerializeToString()


BASE = [f32("s", 2.0 ** -4), f32("z", 0.0), f32("b", 8.0)]


def with_input_quant(nodes, inits=(), **kw):
    return model([quant("x", "xq")] + nodes, BASE + list(inits), **kw)


def cases():
    w = f32("w", np.full((4, 4), 0.25))
    yield "not_protobuf", b"hepml: this is a text file, not an ONNX model\n", "not a valid ONNX protobuf (malformedProtobuf)"
    yield "empty", b"", "not an ONNX model"
    good = with_input_quant([helper.make_node("MatMul", ["xq", "w"], ["y"], name="mm")], [w])
    yield "truncated", good[: len(good) // 2], "not a valid ONNX protobuf (truncated)"
    yield "unknown_operator", with_input_quant([helper.make_node("Abs", ["xq"], ["y"], name="absolute")]), "unknown operator Abs"
    yield "unknown_domain", with_input_quant([helper.make_node("Quant", ["xq", "s", "z", "b"], ["y"], name="q2", domain="com.example")]), "domain 'com.example'"
    yield "dynamic_shape", model([quant("x", "y")], BASE, inp=("x", ["N", "features"])), "dynamic shapes are not supported"
    # A 0.3 scale rounds code × 0.3 in float32: the MatMul's float32 sum of those values, written as a graph output, cannot be matched bit for bit.
    yield "non_power_of_two_scale", with_input_quant([quant("xq", "q3", scale="s3"), helper.make_node("MatMul", ["q3", "w"], ["y"], name="mm")],
                                                     [f32("s3", 0.3), w]), "whose order of summation the executor does not fix"
    yield "zero_point", with_input_quant([quant("xq", "y", zp="z1")], [f32("z1", 1.0)]), "zero point 1.0 is not supported"
    yield "ceil_rounding", with_input_quant([quant("xq", "y", rounding_mode="CEIL")]), "CEIL"
    yield "narrow_unsigned", with_input_quant([quant("xq", "y", signed=0, narrow=1)]), "narrow unsigned"
    yield "unquantized_input", model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [w]), "--input-type"
    yield "undefined_tensor", with_input_quant([helper.make_node("Relu", ["nowhere"], ["y"], name="relu")]), "which no earlier node"
    ext = f32("w", np.zeros((4, 4)))
    ext.ClearField("float_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="weights.bin")
    yield "external_data", with_input_quant([helper.make_node("MatMul", ["xq", "w"], ["y"], name="mm")], [ext]), "external file"
    yield "bad_bitwidth", with_input_quant([quant("xq", "y", bits="b70")], [f32("b70", 70.0)]), "bitwidth must be one integer from 1 to 64"
    yield "dynamic_weights", with_input_quant([helper.make_node("MatMul", ["xq", "xq"], ["y"], name="mm")]), "must be a constant"
    yield "float16_input", model([quant("x", "y")], BASE, elem=TensorProto.FLOAT16), "element type FLOAT16"
    yield "nan_weight", with_input_quant([helper.make_node("MatMul", ["xq", "w"], ["y"], name="mm")],
                                         [f32("w", [[float("nan")] * 4] * 4)]), "must be finite"
    sw = np.array([[0.3], [0.1], [0.7], [0.9]], dtype=np.float32)
    yield "per_input_channel_scale", with_input_quant(
        [quant("w", "wq", scale="sw"), helper.make_node("MatMul", ["xq", "wq"], ["y"], name="mm")],
        [w, f32("sw", sw)]), "varies along the input axis"
    yield "constant_output", with_input_quant([helper.make_node("Identity", ["s"], ["y"], name="id")], outputs=(("y", 1),)), "is a constant"
    # An inexact batch normalisation is a float chain: a MatMul cannot read it exactly.
    yield "inexact_batchnorm", with_input_quant(
        [helper.make_node("BatchNormalization", ["xq", "g", "bb", "m", "v"], ["bn"], name="bn", epsilon=1e-3),
         helper.make_node("MatMul", ["bn", "w"], ["y"], name="mm")],
        [f32("g", [1.0] * 4), f32("bb", [0.0] * 4), f32("m", [0.0] * 4), f32("v", [1.0] * 4), w]), "float chain"
    yield "softmax_over_batch", with_input_quant([helper.make_node("Softmax", ["xq"], ["y"], name="sm", axis=0)]), "does not cover the whole feature vector"
    yield "no_outputs", model([quant("x", "y")], BASE, outputs=()), "no outputs"
    yield from hostile_cases()
    yield from tensor_cases()


def i64(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def reshape(x, out, shape_name):
    return helper.make_node("Reshape", [x, shape_name], [out], name=out)


def hostile_cases():
    """Issue 21: the batch axis, names defined twice,
    sizes that overflow, empty parameters and constants too large to compute."""
    yield "concat_batch_axis", with_input_quant([helper.make_node("Concat", ["xq", "xq"], ["y"], name="stack", axis=0)]), \
        "node 'stack' (Concat): axis: Concat along axis 0 (the batch axis"
    w = f32("w", np.full((4, 4), 0.25))
    # Operations across the batch axis mix events: refused wherever the batch axis went.
    yield "reduce_sum_over_batch", with_input_quant([helper.make_node("ReduceSum", ["xq"], ["y"], name="total")], outputs=(("y", 1),)), \
        "includes the batch axis 0: it would sum over events"
    yield "reshape_mixes_events", with_input_quant([reshape("xq", "y", "flat1")], [i64("flat1", [-1])]), \
        "node 'y' (Reshape): Reshape to [-1] (input shape [1, 4], batch axis 0): the result would mix events"
    yield "flatten_batch", with_input_quant([helper.make_node("Flatten", ["xq"], ["y"], name="flat", axis=0)]), "Flatten at axis 0"
    yield "squeeze_batch", with_input_quant([helper.make_node("Squeeze", ["xq", "ax"], ["y"], name="sq")], [i64("ax", [0])]), \
        "Squeeze of axes [0]"
    yield "transpose_batch", with_input_quant([helper.make_node("Transpose", ["xq"], ["y"], name="tr", perm=[1, 0])]), \
        "Transpose [1, 0] of a tensor of shape [1, 4] (batch axis 0) moves data"
    yield "concat_moved_batch_axis", with_input_quant(
        [helper.make_node("Unsqueeze", ["xq", "ax"], ["u"], name="unsq"), helper.make_node("Concat", ["u", "u"], ["y"], name="cat", axis=1)],
        [i64("ax", [0])]), "node 'cat' (Concat): axis: Concat along axis 1 (the batch axis of shape [1, 1, 4])"
    col = i64("col", [-1, 4, 1])
    yield "matmul_features_not_last", with_input_quant(
        [reshape("xq", "col4", "col"), helper.make_node("MatMul", ["col4", "w"], ["y"], name="mm")], [col, w]), \
        "input of shape [1, 4, 1] does not hold its features on axis 2, the axis MatMul sums over"
    yield "duplicate_initializer", with_input_quant(
        [helper.make_node("MatMul", ["xq", "w"], ["y"], name="mm")], [w, f32("w", np.full((4, 4), 0.5))]), \
        "initializer 'w': is defined twice"
    yield "duplicate_node_output", with_input_quant(
        [helper.make_node("Relu", ["xq"], ["h"], name="r1"), helper.make_node("Relu", ["xq"], ["h"], name="r2"),
         helper.make_node("Identity", ["h"], ["y"], name="id")]), "node 'r2' (Relu): writes 'h', which is already defined"
    yield "unsqueeze_repeated_axes", with_input_quant(
        [helper.make_node("Unsqueeze", ["xq", "ax"], ["y"], name="unsq")], [i64("ax", [0, 0])]), "axes [0, 0] name axis 0 twice"
    yield "unsqueeze_repeated_negative_axes", with_input_quant(
        [helper.make_node("Unsqueeze", ["xq", "ax"], ["y"], name="unsq")], [i64("ax", [1, -3])]), "axes [1, -3] name axis 1 twice"
    yield "reshape_overflow", with_input_quant([reshape("xq", "y", "big")], [i64("big", [2 ** 40, 2 ** 40, -1])]), \
        "cannot reshape [1, 4] (4 elements) to [1099511627776, 1099511627776, -1]"
    yield "input_size_overflow", model([quant("x", "y")], BASE, inp=("x", ["N", 10 ** 6, 10 ** 6, 10 ** 6, 10 ** 6])), \
        "has shape [1, 1000000, 1000000, 1000000, 1000000]: more than 1000000 elements"
    yield "empty_quant_scale", model([quant("x", "y", scale="s0")], BASE + [f32("s0", [], dims=[0])]), "scale: scale is empty (shape [0])"
    yield "constant_broadcast_blowup", with_input_quant(
        [helper.make_node("Add", ["c1", "c2"], ["c"], name="blowup"), helper.make_node("Add", ["xq", "c"], ["y"], name="add")],
        [f32("c1", np.ones((5000, 1))), f32("c2", np.ones((1, 5000)))]), "broadcast to [5000, 5000], more than 10000000 elements"
    yield "weight_codes_overflow", with_input_quant(
        [helper.make_node("MatMul", ["xq", "wide"], ["y"], name="mm")],
        [f32("wide", [[2.0 ** 70, 2.0 ** -60, 0, 0]] + [[0.0] * 4] * 3)]), "the weight values need more than 64 bits"


def tensor_cases():
    """Issue 23: convolutions, pools and reductions with impossible geometry
    or semantics that fixed point cannot compute exactly."""
    def image(nodes, inits=(), shape=(1, 3, 3)):
        return model([quant("x", "xq")] + nodes, BASE + list(inits), inp=("x", ["N", *shape]))

    def conv(w_shape, **attrs):
        return helper.make_node("Conv", ["xq", "w"], ["y"], name="conv", **attrs), f32("w", np.full(w_shape, 0.25))

    n, w = conv((1, 1, 5, 5))
    yield "conv_kernel_too_large", image([n], [w]), \
        "node 'conv' (Conv): kernel_shape: the kernel spans 5 on spatial axis 0, larger than its padded input (3)"
    n, w = conv((1, 1, 2, 2), strides=[0, 1])
    yield "conv_stride_zero", image([n], [w]), "node 'conv' (Conv): strides: strides [0, 1]: 0 is not a positive integer"
    n, w = conv((4, 2, 1, 1), group=2)
    yield "conv_group", image([n], [w], shape=(4, 3, 3)), "node 'conv' (Conv): group: group 2 is not supported"
    n, w = conv((2, 1, 1, 1))
    yield "conv_result_too_large", image([n], [w], shape=(1, 1000, 1000)), \
        "node 'conv' (Conv): the result of shape [1000, 1000, 2] has more than 1000000 elements"
    n, w = conv((1, 1, 2, 2), pads=[1, 1])
    yield "conv_pads_count", image([n], [w]), "node 'conv' (Conv): pads: pads [1, 1] has 2 values; expected 4"
    yield "avgpool_not_power_of_two", image([helper.make_node("AveragePool", ["xq"], ["y"], name="avg", kernel_shape=[3])],
                                            shape=(1, 6)), "node 'avg' (AveragePool): kernel_shape: a window averages 3 elements"
    yield "maxpool_ceil_mode", image([helper.make_node("MaxPool", ["xq"], ["y"], name="mp", kernel_shape=[2, 2], ceil_mode=1)]), \
        "node 'mp' (MaxPool): ceil_mode: ceil_mode=1 is not supported"
    yield "reduce_axis_out_of_range", with_input_quant([helper.make_node("ReduceMax", ["xq"], ["y"], name="rmax", axes=[3])]), \
        "node 'rmax' (ReduceMax): axes: axis 3 is out of range for a tensor of rank 2"
    yield "reduce_mean_not_power_of_two", image([helper.make_node("ReduceMean", ["xq"], ["y"], name="mean", axes=[2])]), \
        "node 'mean' (ReduceMean): axes: ReduceMean averages 3 elements"
    yield "gather_computed", with_input_quant([helper.make_node("Gather", ["xq", "ix"], ["y"], name="g", axis=0)], [i64("ix", [0])]), \
        "node 'g' (Gather): axis: Gather along the batch axis mixes events"
    yield "shape_arithmetic", with_input_quant(
        [helper.make_node("Shape", ["xq"], ["s0"], name="shape"), helper.make_node("Mul", ["s0", "s0"], ["s1"], name="twice"),
         helper.make_node("Reshape", ["xq", "s1"], ["y"], name="rs")]), \
        "node 'twice' (Mul): arithmetic on a shape that holds the batch size"


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    expected = {}
    for name, data, message in cases():
        with open(os.path.join(outdir, name + ".onnx"), "wb") as f:
            f.write(data)
        expected[name + ".onnx"] = message
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
