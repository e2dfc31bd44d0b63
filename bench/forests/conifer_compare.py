"""Decisions of conifer 1.11's C++ emulation and of hepml-compile against the float
XGBoost forest, on inputs at and around every threshold (docs/forests.md).

    python conifer_compare.py HEPML_BINARY WORKDIR [TYPE]

Run by bench/forests/conifer_compare.sh in a private venv with conifer, xgboost,
pandas and numpy; needs the ap_types headers (XILINX_AP_INCLUDE) and nlohmann-json
(JSON_ROOT). Prints one JSON line per forest."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import xgboost as xgb

binary, work = sys.argv[1], Path(sys.argv[2])
width, integer = (18, 8)
if len(sys.argv) > 3:
    width, integer = (int(v) for v in sys.argv[3].split(","))
lsb = 2.0 ** -(width - integer)
type_text = f"ap_fixed<{width},{integer}>"


def grid_events(booster, features, n, rng):
    """Events on the type's grid: random, plus every threshold's neighbours
    (the codes just below, at and just above it), where rounding decides."""
    thresholds = []
    for tree in booster.get_dump(dump_format="json"):
        stack = [json.loads(tree)]
        while stack:
            node = stack.pop()
            if "split" in node:
                thresholds.append((int(node["split"].lstrip("f")), float(node["split_condition"])))
                stack += node["children"]
    events = np.round(rng.normal(size=(n, features)) / lsb) * lsb
    rows = []
    for f, t in thresholds:
        for k in (-2, -1, 0, 1, 2):
            row = events[rng.integers(n)].copy()
            row[f] = (np.floor(t / lsb) + k) * lsb
            rows.append(row)
    lo, hi = -(2.0 ** (integer - 1)), 2.0 ** (integer - 1) - lsb
    return np.clip(np.vstack([events] + [np.array(rows)]), lo, hi)


def main():
    import conifer

    rng = np.random.default_rng(5)
    results = []
    for trees, depth, features in ((20, 3, 10), (100, 4, 20)):
        X = rng.normal(size=(20000, features))
        y = ((X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * X[:, 3:].sum(axis=1)) > 0).astype(int)
        booster = xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.1, "seed": 1, "nthread": 2},
                            xgb.DMatrix(X, label=y), trees)
        name = f"xgb_{trees}t_d{depth}_f{features}"
        model_path = work / f"{name}.json"
        booster.save_model(model_path)
        events = grid_events(booster, features, 5000, rng)
        np.savetxt(work / f"{name}_events.csv", events, delimiter=",")
        float_margin = booster.predict(xgb.DMatrix(events), output_margin=True).astype(np.float64)

        cfg = conifer.backends.cpp.auto_config()
        cfg["OutputDir"] = str(work / f"conifer_{name}")
        cfg["Precision"] = type_text
        model = conifer.converters.convert_from_xgboost(booster, cfg)
        model.compile()
        conifer_margin = np.asarray(model.decision_function(events)).reshape(-1)

        # The margin: imported without the sigmoid (import --raw), then predicted.
        margin_model = work / f"{name}_margin.json"
        subprocess.run([binary, "import", str(model_path), "--out", str(margin_model), "--input-type", type_text, "--raw"],
                       check=True, stdout=subprocess.DEVNULL)
        margins = [("conifer", type_text, conifer_margin)]
        # Ours with leaves (and sums) in conifer's type, then with 32-bit leaves:
        # the decisions alone (leaf rounding then moves a margin by < 100 * 2^-24).
        for leaf in (type_text, "ap_fixed<32,8>"):
            m = json.loads(margin_model.read_text())
            for layer in m["layers"]:
                if layer["type"] == "forest":
                    layer.setdefault("precision", {})["leaf"] = leaf
            leaf_model = work / f"{name}_leaf.json"
            leaf_model.write_text(json.dumps(m))
            out = work / f"{name}_ours.csv"
            subprocess.run([binary, "predict", str(leaf_model), "--input", str(work / f"{name}_events.csv"),
                            "--output", str(out), "--quiet"], check=True, stdout=subprocess.DEVNULL)
            margins.append(("hepml-compile", leaf, np.loadtxt(out, delimiter=",").reshape(-1)))
        for tool, leaf, margin in margins:
            results.append({
                "forest": name, "tool": tool, "type": type_text, "leaf": leaf, "events": int(len(events)),
                "same_class": float(np.mean((margin > 0) == (float_margin > 0))),
                "max_margin_error": float(np.max(np.abs(margin - float_margin))),
                "events_off_by_more_than_0.01": int(np.sum(np.abs(margin - float_margin) > 0.01)),
            })
            print(json.dumps(results[-1]), flush=True)


main()
