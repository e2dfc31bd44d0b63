#!/usr/bin/env python3
"""Fits the flip-flop prices of the netlist estimate to yosys.

Input: the rows `CalibrationTests.printCalibrationData` prints
(`HEPML_CALIBRATION=one_layer,... swift test --filter printCalibrationData`):
`CAL` rows (model, module, kind, source, yosys LUT, FF, CARRY, DSP, the
module's NetlistCost as JSON) and `TOTAL` rows (model, estimate and yosys
LUT, FF, CARRY).

    fit-calibration.py YOSYS_LOG [COSTS_LOG]

YOSYS_LOG gives the yosys counts (rows whose source is `yosys`); COSTS_LOG,
if given, the NetlistCost of each module and the estimate's LUT totals (a
run with HEPML_CALIBRATION_BUDGET=0.001 prints them without synthesis).
Both logs must come from the same logic: module header comments may differ,
yosys ignores them.

The estimate's FF are `registerBit * (registerBits - addressRegisterBits)
+ romWordRegisterBit * (word bits of LUT-ROM reads with a registered
address)`. The two prices are fitted by least squares on each model's
total FF divided by its yosys total, so that every model weighs the same
whatever its size (the test checks totals within 10%).
"""
import json
import sys

BLOCK_ROM_WORDS = 1024  # NetlistEstimate.Calibration.blockROMWords


def rows(path):
    cal, total = {}, {}
    for line in open(path, errors="replace"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "CAL" and len(f) >= 10:
            cal[(f[1], f[2])] = {"source": f[4], "lut": int(f[5]), "ff": int(f[6]), "cost": json.loads(f[9])}
        elif f[0] == "TOTAL":
            total[f[1]] = {"lutEstimate": int(f[3]), "lutYosys": int(f[4])}
    return cal, total


def features(cost):
    plain = cost["registerBits"] - cost.get("addressRegisterBits", 0)
    words = sum(r["bits"] for r in cost["romReads"] if r.get("registeredAddress") and r["words"] < BLOCK_ROM_WORDS)
    return plain, words


def main():
    yosys, ytotal = rows(sys.argv[1])
    costs, ctotal = rows(sys.argv[2]) if len(sys.argv) > 2 else (yosys, ytotal)
    models = []
    for model in dict.fromkeys(m for m, _ in yosys):
        modules = [k for k in yosys if k[0] == model]
        if any(yosys[k]["source"] != "yosys" or k not in costs for k in modules):
            print(f"{model}: skipped (a module without yosys counts or cost)", file=sys.stderr)
            continue
        plain = sum(features(costs[k]["cost"])[0] for k in modules)
        words = sum(features(costs[k]["cost"])[1] for k in modules)
        ff = sum(yosys[k]["ff"] for k in modules)
        lut = sum(yosys[k]["lut"] for k in modules)
        models.append((model, plain, words, ff, lut))
    # Least squares of (a*plain + b*words) / ff against 1.
    s_pp = sum((p / f) ** 2 for _, p, _, f, _ in models)
    s_ww = sum((w / f) ** 2 for _, _, w, f, _ in models)
    s_pw = sum(p * w / f ** 2 for _, p, w, f, _ in models)
    s_p = sum(p / f for _, p, _, f, _ in models)
    s_w = sum(w / f for _, _, w, f, _ in models)
    det = s_pp * s_ww - s_pw ** 2
    if det > 1e-12:
        a = (s_p * s_ww - s_w * s_pw) / det
        b = (s_w * s_pp - s_p * s_pw) / det
    else:
        a, b = s_p / s_pp, 1.0
    print(f"registerBit = {a:.3f}, romWordRegisterBit = {b:.3f}")
    print("model\tFF est\tFF yosys\tratio\tLUT est\tLUT yosys\tratio")
    for model, plain, words, ff, lut in models:
        est = round(round(a, 2) * plain + round(b, 2) * words)
        lut_est = ctotal.get(model, {}).get("lutEstimate")
        lut_ratio = f"{lut_est / lut:.3f}" if lut_est else "-"
        print(f"{model}\t{est}\t{ff}\t{est / ff:.3f}\t{lut_est}\t{lut}\t{lut_ratio}")


if __name__ == "__main__":
    main()
