"""Bits of hls4ml 1.3.0's C simulation against hepml-compile's reference on the bench's
tensor models (deep_sets_bench, cicada_bench from make_models.py), same weights and types.

    python hls4ml_compare.py HEPML_BINARY WORKDIR [EVENTS]

Runs in the bench venv (hls4ml 1.3.0, h5py, numpy; g++). For each model: compiles ours
(`hepml-compile --target verilog`) for its lowered types, writes the same network as a
Keras-v2 JSON + H5 (weights and biases already rounded to their types, so no converter
rounding is involved), converts it with `keras_v2_to_hls` (Vitis, io_parallel, latency,
every layer's weight/bias/accum/result precision set to ours), runs `compile()` and
`predict()` (the C simulation), and compares every output with `hepml-compile predict`:
events that differ and the largest difference in output LSBs. One JSON line per model.

What hls4ml has no layer for is rebuilt from layers it has, and said so in the output:
the deep-sets sum over the constituents is Flatten + a 256 -> 16 Dense of 0/1 weights
(exactly our lowered `pool` op; hls4ml's GlobalAveragePooling1D would divide by 16)."""
import json
import re
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
TYPE = re.compile(r"ap_(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,\s*(AP_\w+))?")


def frac_bits(t):
    m = TYPE.match(t)
    return int(m.group(2)) - int(m.group(3))


def quantize(values, t):
    """Round real values to type t's grid with t's rounding (AP_RND: half up, else truncate)."""
    m = TYPE.match(t)
    scale = 2.0 ** frac_bits(t)
    v = np.asarray(values, dtype=np.float64) * scale
    return (np.floor(v + 0.5) if m.group(4) == "AP_RND" else np.floor(v)) / scale


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


def keras_layers(model, ops, tensors):
    """The Keras layer list, weights and hls4ml precisions of our model.json."""
    layers = [{"class_name": "InputLayer", "config": {"name": model["inputs"][0]["name"], "dtype": "float32",
                                                      "batch_input_shape": [None] + model["inputs"][0]["shape"]}}]
    precision = {model["inputs"][0]["name"]: {"result": model["inputs"][0]["type"]}}
    weights = {}
    notes = []
    for layer in model["layers"]:
        name, kind = layer["name"], layer["type"]
        if kind in ("dense", "conv2d"):
            t = ops[name]
            kernel = quantize(layer["weights"], t["weight"])
            bias = quantize(layer["bias"], t["bias"])
            weights[name] = (kernel, bias)
            result = t["pre"] if t["pre"] != "-" else t["acc"]
            if kind == "dense":
                config = {"name": name, "units": layer["units"], "use_bias": True}
                layers.append({"class_name": "Dense", "config": config})
            else:
                config = {"name": name, "filters": layer["filters"], "kernel_size": [layer["kernel_size"]] * 2,
                          "strides": [layer["strides"]] * 2, "padding": "valid", "data_format": "channels_last",
                          "use_bias": True}
                layers.append({"class_name": "Conv2D", "config": config})
            # The result of the last dense is our output tensor's type.
            if t.get("act") == "linear" and name in tensors:
                result = tensors[name]
            precision[name] = {"weight": t["weight"], "bias": t["bias"], "accum": t["acc"], "result": result}
        elif kind == "relu":
            layers.append({"class_name": "Activation", "config": {"name": name, "activation": "relu"}})
            precision[name] = {"result": tensors[name]}
        elif kind == "flatten":
            layers.append({"class_name": "Flatten", "config": {"name": name}})
        elif kind == "reduce_sum" and layer.get("axes") == [0]:
            t = ops[name]
            units = model["layers"][[l["name"] for l in model["layers"]].index(name) - 2]["units"]
            n = model["inputs"][0]["shape"][0]
            layers.append({"class_name": "Flatten", "config": {"name": name + "_flat"}})
            layers.append({"class_name": "Dense", "config": {"name": name, "units": units, "use_bias": True}})
            kernel = np.zeros((n * units, units))
            for p in range(n):
                kernel[p * units:(p + 1) * units, :] = np.eye(units)
            weights[name] = (kernel, np.zeros(units))
            precision[name] = {"weight": "ap_fixed<2,2>", "bias": "ap_fixed<2,2>", "accum": "ap_fixed<24,12>",
                               "result": tensors[name]}
            notes.append(f"{name}: sum over axis 0 as Flatten + Dense {n * units}->{units} of 0/1 weights "
                         "(hls4ml has no sum layer; GlobalAveragePooling1D divides)")
        else:
            raise SystemExit(f"hls4ml_compare: no hls4ml layer for {kind} '{name}'")
    return layers, weights, precision, notes


def run_model(binary, work, name, events):
    d = work / name
    d.mkdir()
    model = json.loads((work / f"{name}.json").read_text())
    subprocess.run([binary, str(work / f"{name}.json"), "--target", "verilog", "--out", str(d / "ours")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ops, tensors = lowered_types(d / "ours" / "lowered.txt")
    # Tensor names in lowered.txt are the layers whose output they hold.
    layers, weights, precision, notes = keras_layers(model, ops, tensors)
    arch = {"class_name": "Sequential", "config": {"name": name, "layers": layers}}
    (d / "model.json").write_text(json.dumps(arch))
    with h5py.File(d / "weights.h5", "w") as h5:
        for layer, (kernel, bias) in weights.items():
            g = h5.create_group(layer).create_group(layer)
            g.create_dataset("kernel:0", data=kernel)
            g.create_dataset("bias:0", data=bias)

    import hls4ml
    hls_config = {"Model": {"Precision": "ap_fixed<16,6>", "ReuseFactor": 1, "Strategy": "Latency"},
                  "LayerName": {k: {"Precision": v} for k, v in precision.items()}}
    config = hls4ml.utils.config.create_config(output_dir=str(d / "hls4ml"), project_name=name, backend="Vitis",
                                               io_type="io_parallel", clock_period=5)
    config.update({"KerasJson": str(d / "model.json"), "KerasH5": str(d / "weights.h5"), "HLSConfig": hls_config})
    hls_model = hls4ml.converters.keras_v2_to_hls(config)
    hls_model.compile()

    shape = model["inputs"][0]["shape"]
    x = np.loadtxt(work / f"{name}.csv", delimiter=",")[:events]
    x = quantize(x, model["inputs"][0]["type"])  # on the input grid, inside its range here
    np.savetxt(d / "x.csv", x.reshape(len(x), -1), delimiter=",")
    theirs = np.asarray(hls_model.predict(np.ascontiguousarray(x.reshape([len(x)] + shape)))).reshape(len(x), -1)
    subprocess.run([binary, "predict", str(work / f"{name}.json"), "--input", str(d / "x.csv"), "--output",
                    str(d / "y.csv"), "--quiet"], check=True, stdout=subprocess.DEVNULL)
    ours = np.loadtxt(d / "y.csv", delimiter=",").reshape(len(x), -1)
    out_type = tensors[model["layers"][-1]["name"]]
    lsb = 2.0 ** -frac_bits(out_type)
    diff = np.abs(theirs - ours) / lsb
    bad = np.any(diff > 0, axis=1)
    result = {"model": name, "events": int(len(x)), "outputs": int(ours.shape[1]), "output_type": out_type,
              "mismatched_events": int(bad.sum()), "mismatched_outputs": int((diff > 0).sum()),
              "max_diff_lsb": float(diff.max()), "max_diff": float(diff.max() * lsb), "notes": notes,
              "hls4ml_layers": [f"{l.name}:{l.class_name}" for l in hls_model.get_layers()]}
    print(json.dumps(result), flush=True)
    for e in np.nonzero(bad)[0][:3]:
        print(f"  event {e}: ours {ours[e].tolist()} hls4ml {theirs[e].tolist()}", file=sys.stderr)
    return result


def main(argv):
    binary, work = argv[0], Path(argv[1])
    events = int(argv[2]) if len(argv) > 2 else 2000
    subprocess.run([sys.executable, "-I", str(HERE / "make_models.py"), "10", str(work)], check=True,
                   stdout=subprocess.DEVNULL)
    for name in ("deep_sets_bench", "cicada_bench"):
        run_model(binary, work, name, events)


main(sys.argv[1:])
