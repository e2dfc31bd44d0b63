"""Bits of hls4ml 1.3.0's C simulation against hepml-compile on the shipped models
(examples/jet_tagger, examples/deep_sets_tagger, examples/cicada_autoencoder; issue 24).

    python -I hls4ml_shipped.py HEPML_BINARY WORKDIR [EVENTS]

Runs with hls4ml 1.3.0 (and h5py, numpy; g++). For each model: 2,000 events of the model's
own generator (`hepml-compile generate`, seed 7, not the training seed), the network
written as a Keras-v2 functional JSON + H5 (weights and biases already rounded to their
types), converted by `keras_v2_to_hls` (Vitis, io_parallel, latency strategy), `compile()`
and `predict()` (its C simulation), every output compared with `hepml-compile predict`.
Configurations:
  ours      every layer's weight/bias/accum/result precision set to ours (lowered.txt);
            the model without its softmax (the logits: same arithmetic, 0 expected);
  softmax   the same with the softmax, hls4ml's own softmax tables, result type ours;
  default   the same weights with hls4ml's default config (Model precision
            ap_fixed<16,6>, nothing per layer), without the softmax.
What hls4ml has no layer for is rebuilt from layers it has (notes in the output): a sum
over the particles as Flatten + a Dense of 0/1 weights, a sum of everything as Flatten +
a Dense of ones. One JSON line per model and configuration: differing events and
outputs, the largest difference in output LSBs, argmax agreement (and accuracy against
the generator's labels) where the model classifies."""
import json
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
TYPE = re.compile(r"ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,\s*(AP_\w+))?\s*(?:,\s*(AP_\w+))?")
MODELS = {"jet_tagger": "jet_tagging", "deep_sets_tagger": "jet_constituents", "cicada_autoencoder": "calo_zero_bias"}
SEED = 7


def frac_bits(t):
    m = TYPE.match(t)
    return int(m.group(2)) - int(m.group(3))


def quantize(values, t, clip=False):
    """Round to type t's grid (AP_RND: half up, else truncate); with clip, saturate as AP_SAT."""
    m = TYPE.match(t)
    scale = 2.0 ** frac_bits(t)
    v = np.asarray(values, dtype=np.float64) * scale
    v = np.floor(v + 0.5) if m.group(4) == "AP_RND" else np.floor(v)
    if clip:
        width = int(m.group(2))
        lo, hi = (0, 2 ** width - 1) if m.group(1) == "u" else (-(2 ** (width - 1)), 2 ** (width - 1) - 1)
        v = np.clip(v, lo, hi)
    return v / scale


def lowered_types(path):
    """op name -> {weight, bias, acc, pre, act}, tensor name -> type, from lowered.txt."""
    ops, tensors = {}, {}
    op = None
    for line in Path(path).read_text().splitlines():
        w = line.split()
        if w and w[0] == "tensor":
            tensors[w[2]] = w[4]
        elif w and w[0] == "op":
            op = w[1]
        elif w and w[0] == "types" and op:
            ops[op] = dict(zip(w[1::2], w[2::2]))
    return ops, tensors


class KerasGraph:
    """A Keras-v2 functional model being written: layers, weights, our precisions."""

    def __init__(self, model):
        inp = model["inputs"][0]
        self.layers = [{"class_name": "InputLayer", "name": inp["name"], "inbound_nodes": [],
                        "config": {"name": inp["name"], "dtype": "float32",
                                   "batch_input_shape": [None] + inp["shape"]}}]
        self.precision = {inp["name"]: {"result": inp["type"]}}
        self.weights = {}
        self.notes = []

    def add(self, cls, name, inputs, config=None, precision=None, weights=None):
        config = dict(config or {}, name=name)
        self.layers.append({"class_name": cls, "name": name, "config": config,
                            "inbound_nodes": [[[i, 0, 0, {}] for i in inputs]]})
        if precision:
            self.precision[name] = precision
        if weights is not None:
            self.weights[name] = weights
        return name

    def architecture(self, name, inp, out):
        return {"class_name": "Functional", "config": {"name": name, "layers": self.layers,
                                                       "input_layers": [[inp, 0, 0]], "output_layers": [[out, 0, 0]]}}


def keras_graph(model, ops, tensors, with_softmax):
    """Our model.json as Keras layers; returns the graph and the name of its output layer."""
    g = KerasGraph(model)
    shapes = {model["inputs"][0]["name"]: model["inputs"][0]["shape"]}
    # Our tensor name -> the Keras layer that holds it (an activation fused in our lowering
    # is its own Keras layer, so the names stay ours).
    last = None
    for layer in model["layers"]:
        name, kind = layer["name"], layer["type"]
        src = layer.get("input")
        if kind in ("dense", "conv2d"):
            t = ops[name]
            kernel = quantize(layer["weights"], t["weight"])
            bias = quantize(layer["bias"], t["bias"])
            result = t["pre"] if t["pre"] != "-" else t["acc"]
            if t.get("act") == "linear" and name in tensors:
                result = tensors[name]
            precision = {"weight": t["weight"], "bias": t["bias"], "accum": t["acc"], "result": result}
            if kind == "dense":
                g.add("Dense", name, [src], {"units": layer["units"], "use_bias": True}, precision, (kernel, bias))
                shapes[name] = shapes[src][:-1] + [layer["units"]]
            else:
                k, s = layer["kernel_size"], layer["strides"]
                g.add("Conv2D", name, [src], {"filters": layer["filters"], "kernel_size": k, "strides": s,
                                              "padding": layer.get("padding", "valid"),
                                              "data_format": "channels_last", "use_bias": True},
                      precision, (kernel, bias))
                h, w, _ = shapes[src]
                shapes[name] = [(h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, layer["filters"]]
        elif kind == "activation" and layer["activation"] == "relu":
            g.add("Activation", name, [src], {"activation": "relu"}, {"result": tensors[name]})
            shapes[name] = shapes[src]
        elif kind == "activation" and layer["activation"] == "softmax":
            if not with_softmax:
                return g, src
            g.add("Activation", name, [src], {"activation": "softmax"}, {"result": tensors[name]})
            shapes[name] = shapes[src]
        elif kind == "reshape":
            if len(layer["shape"]) == 1:
                g.add("Flatten", name, [src])
            else:
                g.add("Reshape", name, [src], {"target_shape": layer["shape"]})
            shapes[name] = layer["shape"]
        elif kind == "reduce_sum" and layer.get("axes") == [0]:
            n, units = shapes[src]
            flat = g.add("Flatten", name + "_flat", [src])
            kernel = np.zeros((n * units, units))
            for p in range(n):
                kernel[p * units:(p + 1) * units, :] = np.eye(units)
            t = ops[name]
            g.add("Dense", name, [flat], {"units": units, "use_bias": True},
                  {"weight": "ap_fixed<2,2>", "bias": "ap_fixed<2,2>", "accum": t["acc"], "result": tensors[name]},
                  (kernel, np.zeros(units)))
            shapes[name] = [units]
            g.notes.append(f"{name}: sum over axis 0 as Flatten + Dense {n * units}->{units} of 0/1 weights")
        elif kind in ("subtract", "multiply"):
            cls = "Subtract" if kind == "subtract" else "Multiply"
            g.add(cls, name, layer["inputs"], {}, {"result": tensors[name]})
            shapes[name] = shapes[layer["inputs"][0]]
        elif kind == "sum":
            n = int(np.prod(shapes[src]))
            flat = g.add("Flatten", name + "_flat", [src])
            g.add("Dense", name, [flat], {"units": 1, "use_bias": True},
                  {"weight": "ap_fixed<2,2>", "bias": "ap_fixed<2,2>", "accum": "ap_fixed<48,24>",
                   "result": tensors[name]}, (np.ones((n, 1)), np.zeros(1)))
            shapes[name] = [1]
            g.notes.append(f"{name}: sum of all {n} values as Flatten + Dense {n}->1 of ones")
        else:
            raise SystemExit(f"hls4ml_shipped: no hls4ml layer for {kind} '{name}'")
        last = name
    return g, last


def hls4ml_predict(g, arch, d, name, x, shape, layer_precisions):
    import hls4ml
    d.mkdir()
    (d / "model.json").write_text(json.dumps(arch))
    with h5py.File(d / "weights.h5", "w") as h5:
        for layer, (kernel, bias) in g.weights.items():
            grp = h5.create_group(layer).create_group(layer)
            grp.create_dataset("kernel:0", data=kernel)
            grp.create_dataset("bias:0", data=bias)
    hls_config = {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1, "Strategy": "Latency"}}
    if layer_precisions:
        hls_config["LayerName"] = {k: {"Precision": v} for k, v in g.precision.items()}
    config = hls4ml.utils.config.create_config(output_dir=str(d / "prj"), project_name=name, backend="Vitis",
                                               io_type="io_parallel", clock_period=5)
    config.update({"KerasJson": str(d / "model.json"), "KerasH5": str(d / "weights.h5"), "HLSConfig": hls_config})
    hls_model = hls4ml.converters.keras_v2_to_hls(config)
    hls_model.compile()
    y = np.asarray(hls_model.predict(np.ascontiguousarray(x.reshape([len(x)] + shape))), dtype=np.float64)
    return y.reshape(len(x), -1), [f"{l.name}:{l.class_name}" for l in hls_model.get_layers()]


def ours_predict(binary, model, d, x):
    path = d / "model.json"
    path.write_text(json.dumps(model))
    np.savetxt(d / "x.csv", x.reshape(len(x), -1), delimiter=",", fmt="%.17g")
    subprocess.run([binary, "predict", str(path), "--input", str(d / "x.csv"), "--output", str(d / "y.csv"),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    return np.loadtxt(d / "y.csv", delimiter=",", ndmin=2)


def run_model(binary, work, name, events):
    d = work / name
    d.mkdir()
    model = json.loads((ROOT / "examples" / name / "model.json").read_text())
    subprocess.run([binary, str(ROOT / "examples" / name / "model.json"), "--target", "verilog", "--out",
                    str(d / "ours")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ops, tensors = lowered_types(d / "ours" / "lowered.txt")
    subprocess.run([binary, "generate", "--generator", MODELS[name], "--events", str(events), "--seed", str(SEED),
                    "--output", str(d / "events.csv"), "--labels", str(d / "labels.csv")], check=True,
                   stdout=subprocess.DEVNULL)
    inp = model["inputs"][0]
    x = quantize(np.loadtxt(d / "events.csv", delimiter=",", ndmin=2), inp["type"], clip=True)
    labels = np.loadtxt(d / "labels.csv", ndmin=1).astype(int) if (d / "labels.csv").exists() else None
    classifies = any(l.get("activation") == "softmax" for l in model["layers"])
    runs = [("ours", False, True)] + ([("softmax", True, True)] if classifies else []) + [("default", False, False)]
    for config, with_softmax, layer_precisions in runs:
        g, out = keras_graph(model, ops, tensors, with_softmax)
        ours_model = dict(model, outputs=[out])
        (d / f"ours_{config}").mkdir()
        ours = ours_predict(binary, ours_model, d / f"ours_{config}", x)
        arch = g.architecture(name, inp["name"], out)
        theirs, layers = hls4ml_predict(g, arch, d / f"hls4ml_{config}", name, x, inp["shape"], layer_precisions)
        out_type = tensors[out]
        lsb = 2.0 ** -frac_bits(out_type)
        diff = np.abs(theirs - ours) / lsb
        bad = diff > 0
        result = {"model": name, "config": config, "events": int(len(x)), "outputs": int(ours.size),
                  "output": out, "output_type": out_type, "differing_events": int(bad.any(axis=1).sum()),
                  "differing_outputs": int(bad.sum()), "max_diff_lsb": float(diff.max()),
                  "max_diff": float(diff.max() * lsb), "notes": g.notes, "hls4ml_layers": layers}
        if classifies:
            result["argmax_agreement"] = float(np.mean(np.argmax(theirs, 1) == np.argmax(ours, 1)))
            if labels is not None and len(labels) == len(x):
                result["accuracy_ours"] = float(np.mean(np.argmax(ours, 1) == labels))
                result["accuracy_hls4ml"] = float(np.mean(np.argmax(theirs, 1) == labels))
        print(json.dumps(result), flush=True)
        for e in np.nonzero(bad.any(axis=1))[0][:2]:
            print(f"  {name}/{config} event {e}: ours {ours[e][:6].tolist()} hls4ml {theirs[e][:6].tolist()}",
                  file=sys.stderr)


def main(argv):
    binary, work = argv[0], Path(argv[1])
    events = int(argv[2]) if len(argv) > 2 else 2000
    for name in MODELS:
        run_model(binary, work, name, events)


main(sys.argv[1:])
