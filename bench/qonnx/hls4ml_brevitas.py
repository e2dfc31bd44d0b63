"""hls4ml 1.3.0's C simulation against the QONNX executor on the real Brevitas exports of
Tests/QONNXTests/fixtures/brevitas (issue 26 item 4), and ours on the same events.

    python -I hls4ml_brevitas.py HEPML_BINARY WORKDIR [EVENTS] [--no-simulate]

Runs with hls4ml 1.3.0, qonnx, onnxruntime and g++. For each fixture of the manifest:

1. events as the QONNX tests make them (half on the manifest's LSB grid, half uniform
   float32, seed 2026), and the executor's outputs (`execute_onnx`, one batch);
2. ours: `hepml-compile predict`, `csim` and `simulate` on the .onnx file itself, every
   output compared with the executor;
3. hls4ml: the file prepared as hls4ml's QONNX documentation says (qonnx `cleanup_model`,
   `ConvertToChannelsLastAndClean`, `GemmToMatMul`, `cleanup_model`), converted with
   `convert_from_onnx_model` (Vitis, io_parallel), `compile()` and `predict()` (its C
   simulation with its own ap_types). If the conversion fails, what it said is recorded.
   Then the same file after two rewrites that keep the executor's outputs (checked
   equal on the events; rewrite_for_hls4ml): each weight Quant with a per-output-channel
   scale replaced by the float32 constant it computes, each Conv's bias moved into an Add
   (its constant without the batch axis).
   Each accepted model runs with two configurations:
     default  config_from_onnx_model(model, backend='Vitis'): granularity 'name',
              'auto' precisions, default precision fixed<16,6>;
     wide32   the same with default precision fixed<32,16>, and
     wide48   with fixed<48,16>: more bits wherever hls4ml does not infer a type (the
              input, the ApplyAlpha scales and biases, folded weights, BatchNorm).

One JSON line per model, tool and configuration: events, outputs, events and outputs that
differ from the executor, the largest absolute difference (and in output LSBs, the last
Quant's scale), and the fraction of events whose argmax agrees with the executor's."""
import json
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.core.onnx_exec import execute_onnx
from qonnx.transformation.infer_shapes import InferShapes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "Tests" / "QONNXTests" / "fixtures" / "brevitas"
SEED = 2026
CONFIGS = {"default": "fixed<16,6>", "wide32": "fixed<32,16>", "wide48": "fixed<48,16>"}


def make_events(n, width, lo, hi, lsb):
    """Half on the LSB grid (every rounding tie of a coarser Quant), half uniform float32."""
    rng = np.random.default_rng(SEED)
    grid = np.round(rng.uniform(lo, hi, size=(n, width)) / lsb) * lsb
    uniform = rng.uniform(lo, hi, size=(n, width))
    on_grid = (np.arange(n) % 2 == 0)[:, None]
    return np.where(on_grid, grid, uniform).astype(np.float32)


def write_csv(path, rows):
    with open(path, "w") as f:
        for row in rows:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


def event_shape(proto):
    return [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim[1:]]


def execute(proto, x):
    """execute_onnx on one batch of events (the batch axis fixed to their number)."""
    proto = onnx.ModelProto.FromString(proto.SerializeToString())
    del proto.graph.value_info[:]  # shapes of another batch size (qonnx transformations may write 0)
    initializers = {t.name for t in proto.graph.initializer}
    for v in list(proto.graph.input) + list(proto.graph.output):
        if v.name not in initializers and len(v.type.tensor_type.shape.dim) > 0:
            v.type.tensor_type.shape.dim[0].dim_value = x.shape[0]
    model = ModelWrapper(proto).transform(InferShapes())
    out = execute_onnx(model, {proto.graph.input[0].name: x})
    return np.asarray(out[proto.graph.output[0].name], dtype=np.float64).reshape(x.shape[0], -1)


def output_lsb(proto):
    """The scale of the Quant node that writes the graph output (its LSB)."""
    out = proto.graph.output[0].name
    inits = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    for node in proto.graph.node:
        if out in node.output and node.op_type == "Quant":
            return float(np.max(inits[node.input[1]]))
    return None


def compare(tool, config, name, theirs, reference, lsb, notes=()):
    diff = np.abs(theirs - reference)
    bad = diff > 0
    result = {"model": name, "tool": tool, "config": config, "events": int(len(reference)),
              "outputs": int(reference.size), "differing_events": int(bad.any(axis=1).sum()),
              "differing_outputs": int(bad.sum()), "max_abs_error": float(diff.max()),
              "mean_error_lsb": float(diff.mean() / lsb) if lsb else None,
              "max_error_lsb": float(diff.max() / lsb) if lsb else None,
              "argmax_agreement": float(np.mean(np.argmax(theirs, axis=1) == np.argmax(reference, axis=1))),
              "notes": list(notes)}
    print(json.dumps(result), flush=True)
    return result


def ours(binary, name, onnx_path, d, x, reference, lsb, simulate):
    write_csv(d / "x.csv", x)
    commands = [("predict", []), ("csim", ["--work", str(d / "csim-cache")])]
    if simulate:
        commands.append(("simulate", []))
    for command, extra in commands:
        out = d / f"ours_{command}.csv"
        argv = [binary, command, str(onnx_path), "--input", str(d / "x.csv"), "--output", str(out)] + extra
        run = subprocess.run(argv, capture_output=True, text=True)
        if run.returncode != 0:
            print(json.dumps({"model": name, "tool": "hepml-compile", "config": command, "exit": run.returncode,
                              "stderr": run.stderr[-2000:]}), flush=True)
            continue
        theirs = np.loadtxt(out, delimiter=",", ndmin=2)
        summary = run.stdout.strip().splitlines()[-1:]
        compare("hepml-compile", command, name, theirs, reference, lsb, summary)


def prepare_for_hls4ml(proto):
    """The preparation hls4ml's QONNX documentation asks for."""
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model
    model = cleanup_model(ModelWrapper(proto))
    model = model.transform(ConvertToChannelsLastAndClean())
    model = model.transform(GemmToMatMul())
    return cleanup_model(model)


def rewrite_for_hls4ml(proto):
    """Rewrites that keep the executor's function, for what hls4ml 1.3.0 cannot convert:
    a weight Quant with a per-output-channel scale becomes the constant it computes (the
    float32 weights the executor uses; hls4ml's ApplyAlpha of a [in, out] scale cannot move
    below a MatMul), and a Conv's bias becomes an Add (qonnx ExtractBiasFromConv) of a
    constant without the batch axis."""
    from qonnx.custom_op.registry import getCustomOp
    from qonnx.transformation.extract_conv_bias import ExtractBiasFromConv
    model = ModelWrapper(onnx.ModelProto.FromString(proto.SerializeToString())).transform(ExtractBiasFromConv())
    notes = ["Conv biases as Adds"] if any(n.op_type == "Conv" for n in model.graph.node) else []
    for node in list(model.graph.node):
        if node.op_type != "Quant" or model.get_initializer(node.input[0]) is None:
            continue
        scale = model.get_initializer(node.input[1])
        if scale is None or np.all(scale == np.ravel(scale)[0]):
            continue
        context = {name: model.get_initializer(name) for name in node.input}
        getCustomOp(node).execute_node(context, model.graph)
        weights = np.asarray(context[node.output[0]], dtype=np.float32)
        model.set_initializer(node.output[0], weights)
        model.graph.node.remove(node)
        notes.append(f"{node.name or node.output[0]}: per-channel weight Quant {list(weights.shape)} "
                     "folded to its float32 values")
    return model.model, notes


def drop_batch_axis_of_biases(model):
    """hls4ml broadcasts an Add's constant to the tensor without its batch axis: a channels-last
    [1, 1, 1, C] bias (from ExtractBiasFromConv) becomes [1, 1, C], the same broadcast."""
    for node in model.graph.node:
        bias = model.get_initializer(node.input[1]) if node.op_type == "Add" and len(node.input) > 1 else None
        if bias is not None and bias.ndim == 4 and bias.shape[0] == 1:
            model.set_initializer(node.input[1], bias.reshape(bias.shape[1:]))
    return model


def hls4ml_run(name, model, d, x, shape, reference, lsb, label, notes):
    import hls4ml
    for config_name, precision in CONFIGS.items():
        out_dir = d / f"hls4ml_{label}_{config_name}"
        with warnings.catch_warnings(record=True) as caught_warnings:
            warnings.simplefilter("always")
            try:
                config = hls4ml.utils.config.config_from_onnx_model(model, granularity="name", backend="Vitis",
                                                                     default_precision=precision)
                hls_model = hls4ml.converters.convert_from_onnx_model(
                    model, output_dir=str(out_dir), project_name=name, backend="Vitis", io_type="io_parallel",
                    hls_config=config)
                hls_model.compile()
                error = None
            except Exception as e:  # hls4ml refused the model: record what it said
                error = e
        caught = sorted({str(m.message) for m in caught_warnings if "/hls4ml/" in str(m.filename)})
        if error is not None:
            last = traceback.extract_tb(error.__traceback__)[-1]
            print(json.dumps({"model": name, "tool": "hls4ml 1.3.0", "config": f"{label}/{config_name}",
                              "refused": f"{type(error).__name__}: {error}",
                              "at": f"{Path(last.filename).name}:{last.lineno}", "warnings": caught}), flush=True)
            continue
        theirs = np.asarray(hls_model.predict(np.ascontiguousarray(x.reshape([len(x)] + shape))), dtype=np.float64)
        layers = [f"{l.name}:{l.class_name}" for l in hls_model.get_layers()]
        compare("hls4ml 1.3.0", f"{label}/{config_name}", name, theirs.reshape(len(x), -1), reference, lsb,
                list(notes) + caught + ["layers: " + " ".join(layers)])


def run_model(binary, work, entry, events, simulate):
    name = entry["file"].removesuffix(".onnx")
    d = work / name
    d.mkdir()
    path = FIXTURES / entry["file"]
    proto = onnx.load(str(path))
    shape = event_shape(proto)
    x = make_events(events, int(np.prod(shape)), entry["inputs"]["lo"], entry["inputs"]["hi"], entry["inputs"]["lsb"])
    xs = x.reshape([events] + shape)
    reference = execute(proto, xs)
    lsb = output_lsb(proto)
    ours(binary, name, path, d, x, reference, lsb, simulate)

    # hls4ml reads channels-last tensors: the event transposed from NCHW.
    hls_shape = shape if len(shape) != 3 else [shape[1], shape[2], shape[0]]
    hls_x = xs if len(shape) != 3 else np.transpose(xs, (0, 2, 3, 1))
    hls4ml_run(name, prepare_for_hls4ml(proto), d, hls_x, hls_shape, reference, lsb, "as exported", [])
    rewritten, notes = rewrite_for_hls4ml(proto)
    if not np.array_equal(execute(rewritten, xs), reference):
        raise SystemExit(f"hls4ml_brevitas: the rewrite of {name} changed the executor's outputs")
    prepared = drop_batch_axis_of_biases(prepare_for_hls4ml(rewritten))
    hls4ml_run(name, prepared, d, hls_x, hls_shape, reference, lsb, "rewritten",
               notes + ["rewrites checked: executor outputs equal on every event"])


def main(argv):
    simulate = "--no-simulate" not in argv
    argv = [a for a in argv if a != "--no-simulate"]
    binary, work = argv[0], Path(argv[1])
    events = int(argv[2]) if len(argv) > 2 else 2000
    for entry in json.loads((FIXTURES / "manifest.json").read_text()):
        run_model(binary, work, entry, events, simulate)


main(sys.argv[1:])
