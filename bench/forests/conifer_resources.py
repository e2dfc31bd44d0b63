"""Resources and latency of conifer 1.11's VHDL against hepml-compile's Verilog on the
same XGBoost forests (issue 25), after checking that both decide like the float forest.

    python conifer_resources.py HEPML_BINARY WORKDIR RESULTS.jsonl TYPE FOREST... [--yosys-timeout S]

TYPE is "W,I" (ap_fixed<W,I>: conifer's one type for inputs, thresholds and scores, and
our input and leaf type); FOREST is TREESxDEPTHxFEATURES. Run by conifer_resources.sh in a
private venv (conifer, xgboost, pandas, pybind11) with Debian's GHDL and yosys on PATH.
For each forest:
  1. train an XGBoost binary:logistic forest (seeded), save its JSON;
  2. events on the type's grid: random ones and, for a sample of thresholds, the codes two
     below to two above each, where rounding decides (as conifer_compare.py);
  3. conifer: VHDL backend, GHDL simulation of its own testbench on the events (the
     margins), a small testbench of ours that counts the clock edges from X_vld to y_vld
     (the latency), and `ghdl --synth` to Verilog for yosys;
  4. ours: `import --raw`, leaves in TYPE, `compile --target fpga` (5 ns, xcup), then
     `simulate` (Verilator) on the same events: margins, bit check against our reference,
     measured latency;
  5. decisions: the fraction of events whose class equals the float forest's, and the
     largest margin error, for both;
  6. the same `yosys synth_xilinx -family xcup -flatten`, one at a time, niced, under a
     timeout: LUT (LUT1-6, LUT6_2), FF (FD*E), CARRY (CARRY4/8), DSP (DSP48E*).
One JSON line per forest goes to RESULTS.jsonl; a markdown row is printed."""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import xgboost as xgb

LATENCY_TB = """library ieee;
use ieee.std_logic_1164.all;
library BDT;
use BDT.Constants.all;
use BDT.Types.all;
-- One valid input after three idle edges; counts the rising edges until y_vld.
entity latency_tb is
end latency_tb;
architecture sim of latency_tb is
  signal clk : std_logic := '0';
  signal X : txArray(0 to nFeatures - 1) := (others => to_tx(0));
  signal X_vld : boolean := false;
  signal y : tyArray(0 to nClasses - 1);
  signal y_vld : boolArray(0 to nClasses - 1);
begin
  clk <= not clk after 2.5 ns;
  uut : entity BDT.BDTTop port map(clk, X, X_vld, y, y_vld);
  process
    variable edges : integer := 0;
  begin
    for i in 1 to 3 loop
      wait until rising_edge(clk);
    end loop;
    X_vld <= true;
    loop
      wait until rising_edge(clk);
      X_vld <= false;
      edges := edges + 1;
      wait for 1 ns;
      if y_vld(0) then
        report "latency_cycles=" & integer'image(edges);
        std.env.finish;
      end if;
      assert edges < 1000 report "no valid output" severity failure;
    end loop;
  end process;
end sim;
"""
GHDL_RUN = "ghdl -r --std=08 --work=xil_defaultlib testbench --max-stack-alloc=0 > ghdl.log"
CONIFER_FILES = ["Constants", "Split", "Types", "Tree", "AddReduce", "Arrays0", "BDT", "BDTTop"]


def run(cmd, cwd=None, timeout=None, log=None):
    """Runs cmd; returns (exit code or 'timeout', wall seconds, CPU seconds of the children)."""
    before = os.times()
    start = time.time()
    out = open(log, "w") if log else subprocess.DEVNULL
    try:
        code = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    finally:
        if log:
            out.close()
    after = os.times()
    return code, time.time() - start, (after.children_user + after.children_system) - (before.children_user + before.children_system)


def train(trees, depth, features):
    rng = np.random.default_rng(trees * 1000 + depth * 100 + features)
    X = rng.normal(size=(20000, features))
    y = ((X[:, 0] * X[:, 1] + np.sin(X[:, 2]) + 0.3 * X[:, 3:].sum(axis=1)) > 0).astype(int)
    return xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.1, "seed": 1, "nthread": 2},
                     xgb.DMatrix(X, label=y), trees), rng


def grid_events(booster, features, width, integer, rng, random_rows=1000, threshold_rows=2000):
    """Events on ap_fixed<width,integer>'s grid: random, plus a sample of thresholds with
    the codes from two below to two above each (where rounding decides)."""
    lsb = 2.0 ** -(width - integer)
    thresholds = []
    for tree in booster.get_dump(dump_format="json"):
        stack = [json.loads(tree)]
        while stack:
            node = stack.pop()
            if "split" in node:
                thresholds.append((int(node["split"].lstrip("f")), float(node["split_condition"])))
                stack += node["children"]
    events = np.round(rng.normal(size=(random_rows, features)) / lsb) * lsb
    picked = rng.choice(len(thresholds), size=min(len(thresholds), threshold_rows // 5), replace=False)
    rows = []
    for i in picked:
        f, t = thresholds[i]
        for k in (-2, -1, 0, 1, 2):
            row = events[rng.integers(random_rows)].copy()
            row[f] = (np.floor(t / lsb) + k) * lsb
            rows.append(row)
    lo, hi = -(2.0 ** (integer - 1)), 2.0 ** (integer - 1) - lsb
    return np.clip(np.vstack([events, np.array(rows)]), lo, hi)


def cells(stat_file):
    """LUT (LUT1-6, LUT6_2), FF (FD*E), CARRY (CARRY4/8), DSP (DSP48E*) as bench/verilog
    counts them, and the cells that rule leaves out: INV (a LUT1 on the device), SRL
    (SRL16E/SRLC32E, shift registers in LUTs), MUXF (MUXF7/8/9)."""
    count = {"LUT": 0, "FF": 0, "CARRY": 0, "DSP": 0, "INV": 0, "SRL": 0, "MUXF": 0}
    for line in Path(stat_file).read_text().splitlines():
        words = line.split()
        if len(words) != 2 or not words[1].isdigit():
            continue
        key = ("LUT" if re.fullmatch(r"LUT[1-6](_2)?", words[0]) else "FF" if re.fullmatch(r"FD[RSCP]E", words[0])
               else "CARRY" if words[0] in ("CARRY4", "CARRY8") else "DSP" if words[0].startswith("DSP48E")
               else "INV" if words[0] == "INV" else "SRL" if words[0].startswith("SRL")
               else "MUXF" if words[0].startswith("MUXF") else None)
        if key:
            count[key] += int(words[1])
    return count


def yosys(files, top, d, tool, timeout):
    """The one synthesis for both designs, niced, under a timeout; one at a time: the
    caller is sequential, and with YOSYS_LOCK set, `flock` on that file also waits for
    other benches' yosys (the wait is not part of the time)."""
    script = f"read_verilog {' '.join(map(str, files))}; synth_xilinx -family xcup -flatten -top {top}; tee -q -o {d}/{tool}.stat stat"
    lock = ["flock", os.environ["YOSYS_LOCK"]] if os.environ.get("YOSYS_LOCK") else []
    limit = ["timeout", str(int(timeout))] if timeout else []
    times = d / f"{tool}.yosys.time"
    code, _, _ = run(lock + limit + ["nice", "-n", "5", "/usr/bin/time", "-f", "%e %U %S %M", "-o", str(times),
                                     "yosys", "-q", "-p", script], log=d / f"{tool}.yosys.log")
    result = {"status": "ok" if code == 0 else ("timeout" if code == 124 else f"failed ({code})")}
    if code == 124:
        result["wall_s"] = int(timeout)
    words = times.read_text().split() if times.exists() else []
    if code == 0 and len(words) >= 4:
        wall, user, system, peak_kb = (float(w) for w in words[-4:])
        result.update({"wall_s": round(wall, 1), "cpu_s": round(user + system, 1), "peak_mb": int(peak_kb) // 1024})
        result.update(cells(d / f"{tool}.stat"))
    return result


def conifer_side(booster, events, d, type_text, timeout):
    import conifer
    conifer.backends.vhdl.set_simulator("ghdl")
    # A deep forest's constant arrays exceed GHDL's default 128 KB stack allocation at
    # elaboration (depth 6, 100 trees): let the run allocate what it needs.
    conifer.backends.vhdl.simulators.GHDL._run_cmd = GHDL_RUN
    cfg = conifer.backends.vhdl.auto_config()
    cfg["OutputDir"] = str(d / "conifer")
    cfg["Precision"] = type_text
    start = time.time()
    model = conifer.converters.convert_from_xgboost(booster, cfg)
    if not model.compile():
        raise SystemExit(f"conifer: GHDL compile failed in {d / 'conifer'}")
    convert_s = time.time() - start
    start = time.time()
    margin = np.asarray(model.decision_function(events), dtype=np.float64).reshape(-1)
    sim_s = time.time() - start
    # Latency: our counting testbench against the same analysed library.
    lat = d / "conifer" / "latency"
    lat.mkdir()
    firmware = d / "conifer" / "firmware"
    for f in CONIFER_FILES:
        subprocess.run(["ghdl", "-a", "--std=08", "--work=BDT", str(firmware / f"{f}.vhd")], cwd=lat, check=True,
                       stderr=subprocess.DEVNULL)
    (lat / "latency_tb.vhd").write_text(LATENCY_TB)
    subprocess.run(["ghdl", "-a", "--std=08", "latency_tb.vhd"], cwd=lat, check=True)
    subprocess.run(["ghdl", "-e", "--std=08", "latency_tb"], cwd=lat, check=True)
    out = subprocess.run(["ghdl", "-r", "--std=08", "latency_tb", "--max-stack-alloc=0"], cwd=lat, capture_output=True, text=True, timeout=timeout)
    cycles = int(re.search(r"latency_cycles=(\d+)", out.stdout + out.stderr).group(1))
    # GHDL's synthesis to Verilog for yosys.
    with open(lat / "bdt_top.v", "w") as v:
        subprocess.run(["ghdl", "--synth", "--std=08", "--work=BDT", "--out=verilog", "BDTTop"], cwd=lat, stdout=v,
                       stderr=subprocess.DEVNULL, check=True, timeout=timeout)
    return margin, {"cycles": cycles, "convert_and_ghdl_compile_s": round(convert_s, 1), "ghdl_sim_s": round(sim_s, 1),
                    "verilog": str(lat / "bdt_top.v")}


def our_side(binary, model_path, events_csv, d, type_text):
    margin_model = d / "ours_model.json"
    subprocess.run([binary, "import", str(model_path), "--out", str(margin_model), "--input-type", type_text, "--raw"],
                   check=True, stdout=subprocess.DEVNULL)
    m = json.loads(margin_model.read_text())
    for layer in m["layers"]:
        if layer["type"] == "forest":
            layer.setdefault("precision", {})["leaf"] = type_text
    margin_model.write_text(json.dumps(m))
    code, wall, cpu = run([binary, "compile", str(margin_model), "--target", "fpga", "--clock-ns", "5", "--family", "xcup",
                           "--out", str(d / "ours")], log=d / "ours.compile.log")
    log = (d / "ours.compile.log").read_text()
    if code != 0:
        raise SystemExit(f"hepml-compile compile failed: {log}")
    top = re.search(r"Verilog: top module (\w+), latency (\d+) cycles", log)
    comparators = re.search(r"(\d+) distinct comparisons", log)
    code, _, _ = run([binary, "simulate", str(d / "ours"), "--input", str(events_csv), "--output", str(d / "ours_out.csv")],
                     log=d / "ours.simulate.log")
    sim = (d / "ours.simulate.log").read_text()
    if code not in (0, 5):
        raise SystemExit(f"hepml-compile simulate failed: {sim}")
    measured = re.search(r"latency (\d+) cycles", sim)
    mismatches = re.search(r"bit mismatches vs the Swift reference: (\d+)", sim)
    margin = np.loadtxt(d / "ours_out.csv", delimiter=",").reshape(-1)
    files = sorted((d / "ours" / "rtl").glob("*.v"))
    return margin, {"cycles": int(measured.group(1)), "scheduled_cycles": int(top.group(2)), "top": top.group(1),
                    "comparators": int(comparators.group(1)), "compile_wall_s": round(wall, 2),
                    "verilator_mismatches": int(mismatches.group(1)), "files": [str(f) for f in files]}


def main(argv):
    binary, work, results, type_arg = argv[0], Path(argv[1]), Path(argv[2]), argv[3]
    timeout = None
    forests = []
    rest = argv[4:]
    while rest:
        if rest[0] == "--yosys-timeout":
            timeout = float(rest[1])
            rest = rest[2:]
        else:
            forests.append(tuple(int(v) for v in rest[0].split("x")))
            rest = rest[1:]
    width, integer = (int(v) for v in type_arg.split(","))
    type_text = f"ap_fixed<{width},{integer}>"
    for trees, depth, features in forests:
        name = f"xgb_{trees}t_d{depth}_f{features}"
        d = work / name
        d.mkdir(parents=True)
        print(f"== {name} ({type_text})", flush=True)
        booster, rng = train(trees, depth, features)
        model_path = d / f"{name}.json"
        booster.save_model(model_path)
        events = grid_events(booster, features, width, integer, rng)
        events_csv = d / "events.csv"
        np.savetxt(events_csv, events, delimiter=",")
        float_margin = booster.predict(xgb.DMatrix(events), output_margin=True).astype(np.float64)

        ours_margin, ours = our_side(binary, model_path, events_csv, d, type_text)
        os.chdir(d)  # conifer's fixed-point converter builds in the current folder
        conifer_margin, conifer_info = conifer_side(booster, events, d, type_text, timeout)
        row = {"forest": name, "trees": trees, "depth": depth, "features": features, "type": type_text,
               "events": int(len(events)), "load": open("/proc/loadavg").read().split()[:3],
               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        for tool, margin in (("ours", ours_margin), ("conifer", conifer_margin)):
            row[f"{tool}_same_class"] = float(np.mean((margin > 0) == (float_margin > 0)))
            row[f"{tool}_max_margin_error"] = float(np.max(np.abs(margin - float_margin)))
        print(json.dumps(row), flush=True)
        row["ours"] = ours
        row["conifer"] = conifer_info
        print(f"   yosys ours ({ours['top']})", flush=True)
        row["ours_yosys"] = yosys(ours["files"], ours["top"], d, "ours", timeout)
        print(f"   {row['ours_yosys']}", flush=True)
        print("   yosys conifer (BDTTop)", flush=True)
        row["conifer_yosys"] = yosys([conifer_info["verilog"]], "BDTTop", d, "conifer", timeout)
        print(f"   {row['conifer_yosys']}", flush=True)
        row["ours"].pop("files")  # paths in the work folder, gone after the run
        row["conifer"].pop("verilog")
        with open(results, "a") as f:
            f.write(json.dumps(row) + "\n")
        for tool in ("ours", "conifer"):
            y = row[f"{tool}_yosys"]
            cols = [y.get(k, y["status"]) for k in ("LUT", "FF", "CARRY", "DSP")]
            print(f"| {name} | {tool} | " + " | ".join(map(str, cols)) + f" | {row[tool]['cycles']} | "
                  f"{100 * row[f'{tool}_same_class']:.2f}% | {row[f'{tool}_max_margin_error']:.3g} | "
                  f"{y.get('cpu_s', '-')} s |", flush=True)


main(sys.argv[1:])
