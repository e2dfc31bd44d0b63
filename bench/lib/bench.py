"""The steps of bench/run: see bench/README.md for what each figure means.

Usage (bench/run calls this): bench.py --compile BIN --bench BIN --work DIR --results FILE
                                       [--quick] [--scaling] [--no-yosys] [--yosys-timeout S]
"""

import argparse
import glob
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from measure import load_average, median, peak, run  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LARGE = [64, 128, 128, 64, 10]
SCALING_WIDTHS = [16, 32, 64, 128, 256]
YOSYS_FAMILY = "xcup"  # the report command's default part, xcvu13p


def log(message):
    print(message, file=sys.stderr, flush=True)


def write_events(path, columns, count, seed=2024):
    """Seeded events in [-4, 4): inside the ap_fixed<16,6> range of every model here."""
    rng = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(count):
            f.write(",".join(repr(rng.uniform(-4.0, 4.0)) for _ in range(columns)) + "\n")


def columns_of(csv_path):
    with open(csv_path) as f:
        return len(f.readline().split(","))


def number(pattern, text, cast=float):
    m = re.search(pattern, text)
    return cast(m.group(1)) if m else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.deadline = time.monotonic() + args.budget
        self.training_results = []
        self.work = args.work
        self.log = os.path.join(self.work, "log.txt")

    def run(self, cmd, timeout=None, env=None):
        return run([str(c) for c in cmd], timeout=timeout, log=self.log, env=env)

    # -- steps ------------------------------------------------------------

    def compile(self, model, out, runs):
        """model.json -> hls-out (HLS C++ and Verilog), the whole process, `runs` times."""
        steps = []
        for _ in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            steps.append(self.run([self.args.compile, model, "--target", "fpga", "--out", out]))
            if not steps[-1].ok:
                return {"error": "compile failed, see " + self.log}, None
        text = steps[-1].stdout
        top = re.search(r"Verilog: top module (\w+), latency (\d+) cycles", text)
        return {
            "runs": runs,
            "wall_s": median(s.wall for s in steps),
            "cpu_s": median(s.cpu for s in steps),
            "peak_rss_mb": peak(s.rss_mb for s in steps),
            "emitted_latency_cycles": int(top.group(2)) if top else None,
        }, (top.group(1) if top else None)

    def reference(self, model, events, runs):
        """Swift fixed-point reference, one core, CPU time of the evaluating thread."""
        steps = [self.run([self.args.bench, "--reference", model, events]) for _ in range(runs)]
        if not all(s.ok for s in steps):
            return {"error": "hepml-bench --reference failed"}
        rates = [json.loads(s.stdout.strip().splitlines()[-1])["events_per_second"] for s in steps]
        return {"runs": runs, "events": events, "events_per_second": median(rates),
                "all_events_per_second": rates, "peak_rss_mb": peak(s.rss_mb for s in steps)}

    def simulator(self, command, model, events_csv, cached_runs, timeout):
        """`csim` or `simulate`: one cold build (fresh --work folder), then cached runs."""
        work = os.path.join(self.work, command + "-" + os.path.basename(os.path.dirname(model)) + "-"
                            + os.path.basename(model).replace(".json", ""))
        shutil.rmtree(work, ignore_errors=True)
        out_csv = os.path.join(self.work, "out.csv")
        cmd = [self.args.compile, command, model, "--input", events_csv, "--output", out_csv, "--work", work]
        cold = self.run(cmd, timeout=timeout)
        if cold.timed_out:
            return {"error": "timeout", "timeout_s": timeout}
        if not cold.ok:
            return {"error": "%s failed (exit %d), see %s" % (command, cold.returncode, self.log)}
        warm = [self.run(cmd, timeout=timeout) for _ in range(cached_runs)]
        steps = [cold] + warm
        rates = [number(r"([0-9.]+) events/s", s.stdout) for s in steps]
        mismatches = [number(r"bit mismatches vs the Swift reference: (\d+)", s.stdout, int) for s in steps]
        result = {
            "events": sum(1 for _ in open(events_csv)),
            "build_s": number(r"built in ([0-9.]+) s", cold.stdout),
            "cold_process_wall_s": cold.wall,
            "cold_process_cpu_s": cold.cpu,
            "events_per_second": median(rates[1:] or rates),
            "all_events_per_second": rates,
            "mismatches": max(m for m in mismatches if m is not None) if any(m is not None for m in mismatches) else None,
            "peak_rss_mb": peak(s.rss_mb for s in steps),
        }
        latency = number(r"latency (\d+) cycles", cold.stdout, int)
        if latency is not None:
            result["latency_cycles"] = latency
        return result

    def yosys(self, rtl_dir, top, timeout):
        """yosys synth_xilinx on the emitted Verilog: the script of the report command."""
        if shutil.which("yosys") is None:
            return {"error": "yosys not installed"}
        files = sorted(glob.glob(os.path.join(rtl_dir, "*.v")))
        stat = os.path.join(rtl_dir, "yosys-stat.json")
        script = "; ".join("read_verilog -sv " + f for f in files)
        script += "; synth_xilinx -family %s -top %s -noiopad; tee -q -o %s stat -json" % (YOSYS_FAMILY, top, stat)
        step = self.run(["yosys", "-q", "-p", script], timeout=timeout)
        if step.timed_out:
            return {"error": "timeout", "timeout_s": timeout, "peak_rss_mb": step.rss_mb}
        if not step.ok or not os.path.exists(stat):
            return {"error": "yosys failed, see " + self.log}
        with open(stat) as f:
            text = f.read()
        cells = json.loads(text[text.index("{"):]).get("design", {}).get("num_cells_by_type", {})
        lut = sum(n for c, n in cells.items() if c.startswith(("LUT", "SRL", "RAM32", "RAM64", "RAM128", "RAM256")))
        ff = sum(n for c, n in cells.items() if c in ("FDRE", "FDSE", "FDCE", "FDPE", "LDCE", "LDPE"))
        dsp = sum(n for c, n in cells.items() if c.startswith("DSP48"))
        return {"lut": lut, "ff": ff, "dsp": dsp, "wall_s": step.wall, "cpu_s": step.cpu, "peak_rss_mb": step.rss_mb}

    def estimate(self, model, events_csv):
        """The report command's analytic resource estimate: what it prints when
        yosys is not on PATH (so PATH is emptied for this one run). Instant, so
        it covers the widths yosys cannot synthesize within the budget."""
        empty = os.path.join(self.work, "empty-path")
        os.makedirs(empty, exist_ok=True)
        step = self.run([self.args.compile, "report", model, "--input", events_csv,
                         "--out", os.path.join(self.work, "report")], env={"PATH": empty, "HOME": self.work})
        m = re.search(r"Resources \(ESTIMATE[^)]*\): LUT ([\d,]+), FF ([\d,]+), DSP ([\d,]+)", step.stdout)
        if not m:
            return {"error": "no estimate, see " + self.log}
        lut, ff, dsp = (int(g.replace(",", "")) for g in m.groups())
        return {"lut": lut, "ff": ff, "dsp": dsp}

    def training(self, example, epochs, events=None):
        """Float training (the bench/training set-up: quantization off) of a shipped example."""
        src = os.path.join(REPO, "examples", example)
        work = os.path.join(self.work, "train-" + example)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        with open(os.path.join(src, "train.json")) as f:
            config = json.load(f)
        config["quantization"]["mode"] = "none"
        # Relative data paths resolve against the config's folder: keep them pointing at the example.
        data = config.get("data", {})
        for key, value in list(data.items()):
            if isinstance(value, str) and os.path.exists(os.path.join(src, value)):
                data[key] = os.path.join(src, value)
        with open(os.path.join(work, "train.json"), "w") as f:
            json.dump(config, f)
        cmd = [self.args.compile, "train", "--config", os.path.join(work, "train.json"), "--epochs", epochs,
               "--output", "model.json", "--quiet"]
        if events:
            cmd += ["--events", events]
        step = self.run(cmd)
        losses = os.path.join(work, config.get("output", {}).get("losses", "losses.csv"))
        if not step.ok or not os.path.exists(losses):
            return {"error": "training failed, see " + self.log}
        with open(losses) as f:
            rows = [line.strip().split(",") for line in f][1:]
        seconds = [float(r[-1]) for r in rows if r and r[0] == "float"]
        return {"epochs": len(seconds), "events": events or data.get("events"),
                "seconds_per_epoch": median(seconds), "all_seconds_per_epoch": seconds,
                "process_wall_s": step.wall, "process_cpu_s": step.cpu, "peak_rss_mb": step.rss_mb}

    # -- models -----------------------------------------------------------

    def remaining(self, default):
        """A step's time limit: its default, cut so that the whole run ends by the deadline."""
        left = self.deadline - time.monotonic()
        return min(default, left) if left > 5 else None

    def limited(self, default, body):
        limit = self.remaining(default)
        if limit is None:
            return {"error": "skipped (budget)"}
        result = body(limit)
        if result.get("error") == "timeout":
            result["error"] = "timeout" if limit >= default else "timeout (budget)"
        return result

    def models(self, models):
        """Cheap steps for every model first, the expensive ones (Verilator and
        yosys on the large model) last, so that a budget cut costs the least."""
        a, quick = self.args, self.args.quick
        recs = []
        for name, model, columns, large in models:
            log("== %s (load %s)" % (name, load_average()))
            rec = {"model": name, "file": os.path.relpath(model, REPO) if model.startswith(REPO) else os.path.basename(model),
                   "load_average_start": load_average()}
            out = os.path.join(self.work, "hls-out", name)
            rec["compile"], rec["top"] = self.compile(model, out, 3 if quick else 5)
            rec["rtl"] = os.path.join(out, "rtl")
            log("   compile %s" % rec["compile"])
            rec["reference"] = self.reference(model, 20_000 if large else 100_000, 3)
            log("   reference %s" % rec["reference"])
            rec["events_csv"] = os.path.join(self.work, name + "-events.csv")
            n = 2_000 if large else 20_000
            write_events(rec["events_csv"], columns, n // 4 if quick else n)
            rec["large"] = large
            rec["estimate"] = self.estimate(model, rec["events_csv"])
            recs.append((rec, model))
        if a.only is None or "training" in a.only.split(","):
            self.training_results = []
            for example, events in (("jet_tagger", None), ("l1_autoencoder", 50_000)):
                t = self.training(example, 1 if quick else 2, events)
                t["example"] = example
                log("== training %s %s" % (example, t))
                self.training_results.append(t)
        runs = 1 if quick else 3
        for rec, model in recs:
            rec["csim"] = self.limited(a.step_timeout, lambda t: self.simulator("csim", model, rec["events_csv"], runs, t))
            log("   csim %s %s" % (rec["model"], rec["csim"]))
        # Verilator before yosys: yosys on these designs takes minutes of CPU
        # (the jet tagger ~8 min), so it gets what is left of the budget.
        ordered = [r for r in recs if not r[0]["large"]] + [r for r in recs if r[0]["large"]]
        for rec, model in ordered:
            rec["verilator"] = self.limited(a.step_timeout,
                                            lambda t: self.simulator("simulate", model, rec["events_csv"], runs, t))
            log("   verilator %s %s" % (rec["model"], rec["verilator"]))
        for rec, model in ordered:
            if a.no_yosys or (quick and rec["large"]) or not rec["top"]:
                rec["yosys"] = {"error": "skipped"}
            else:
                rec["yosys"] = self.limited(a.yosys_timeout, lambda t: self.yosys(rec["rtl"], rec["top"], t))
            log("   yosys %s %s" % (rec["model"], rec["yosys"]))
            rec["load_average_end"] = load_average()
        for rec, _ in recs:
            for key in ("rtl", "events_csv", "large"):
                rec.pop(key)
        return [r for r, _ in recs]

    def scaling(self):
        """16 -> W -> W -> 5 for each width: compile, Verilator build, yosys LUTs."""
        rows = []
        for w in SCALING_WIDTHS:
            t0 = time.monotonic()
            model = os.path.join(self.work, "scaling-%d.json" % w)
            subprocess.run([self.args.bench, "--write-mlp", "16,%d,%d,5" % (w, w), model], check=True)
            name = "mlp_16_%d_%d_5" % (w, w)
            row = {"width": w, "weights": 16 * w + w * w + 5 * w, "load_average_start": load_average()}
            out = os.path.join(self.work, "hls-out", name)
            row["compile"], top = self.compile(model, out, 3)
            events = os.path.join(self.work, "scaling-events.csv")
            write_events(events, 16, 200)
            row["estimate"] = self.estimate(model, events)
            row["verilator"] = self.limited(self.args.step_timeout,
                                            lambda t: self.simulator("simulate", model, events, 0, t))
            row["yosys"] = (self.limited(self.args.yosys_timeout, lambda t: self.yosys(os.path.join(out, "rtl"), top, t))
                            if not self.args.no_yosys and top else {"error": "skipped"})
            row["bench_wall_s"] = time.monotonic() - t0
            log("== W=%d %s" % (w, row))
            rows.append(row)
        return rows


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return ("%%.%df" % digits) % value
    return str(value)


def cell(section, key, digits=1):
    if section is None:
        return "-"
    if "error" in section:
        return section["error"].split(",")[0]
    return fmt(section.get(key), digits)


def print_table(results):
    models = results.get("models", [])
    rows = [
        ("compile wall s (median)", lambda r: cell(r["compile"], "wall_s", 2)),
        ("compile CPU s (median)", lambda r: cell(r["compile"], "cpu_s", 2)),
        ("compile peak MB", lambda r: cell(r["compile"], "peak_rss_mb", 0)),
        ("reference events/s (1 core)", lambda r: cell(r["reference"], "events_per_second", 0)),
        ("reference peak MB", lambda r: cell(r["reference"], "peak_rss_mb", 0)),
        ("csim g++ build s (cold)", lambda r: cell(r["csim"], "build_s")),
        ("csim events/s", lambda r: cell(r["csim"], "events_per_second", 0)),
        ("csim mismatches", lambda r: cell(r["csim"], "mismatches")),
        ("csim peak MB", lambda r: cell(r["csim"], "peak_rss_mb", 0)),
        ("Verilator build s (cold)", lambda r: cell(r["verilator"], "build_s")),
        ("Verilator events/s", lambda r: cell(r["verilator"], "events_per_second", 0)),
        ("Verilator mismatches", lambda r: cell(r["verilator"], "mismatches")),
        ("RTL latency cycles (5 ns)", lambda r: cell(r["verilator"], "latency_cycles")),
        ("Verilator peak MB", lambda r: cell(r["verilator"], "peak_rss_mb", 0)),
        ("yosys LUT", lambda r: cell(r.get("yosys"), "lut")),
        ("yosys FF", lambda r: cell(r.get("yosys"), "ff")),
        ("yosys DSP", lambda r: cell(r.get("yosys"), "dsp")),
        ("yosys wall s", lambda r: cell(r.get("yosys"), "wall_s", 0)),
        ("yosys peak MB", lambda r: cell(r.get("yosys"), "peak_rss_mb", 0)),
        ("estimate LUT (report, no yosys)", lambda r: cell(r.get("estimate"), "lut")),
    ]
    if models:
        print("| step | " + " | ".join(r["model"] for r in models) + " |")
        print("|---" * (len(models) + 1) + "|")
        for label, get in rows:
            print("| %s | %s |" % (label, " | ".join(get(r) for r in models)))
    for t in results.get("training", []):
        if "error" in t:
            print("| training %s | %s |" % (t["example"], t["error"]))
        else:
            print("| training %s: s/epoch (%s events, median of %d) | %s | peak %s MB |"
                  % (t["example"], t["events"], t["epochs"], fmt(t["seconds_per_epoch"], 2), fmt(t["peak_rss_mb"], 0)))
    if results.get("scaling"):
        print()
        print("| W (16->W->W->5) | weights | compile CPU s | compile peak MB | Verilator build s (CPU s) "
              "| yosys LUT | yosys FF | yosys DSP | yosys s (CPU s) | estimate LUT |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for s in results["scaling"]:
            print("| %d | %d | %s | %s | %s (%s) | %s | %s | %s | %s (%s) | %s |" % (
                s["width"], s["weights"], cell(s["compile"], "cpu_s", 2), cell(s["compile"], "peak_rss_mb", 0),
                cell(s["verilator"], "build_s"), cell(s["verilator"], "cold_process_cpu_s", 0),
                cell(s["yosys"], "lut"), cell(s["yosys"], "ff"), cell(s["yosys"], "dsp"),
                cell(s["yosys"], "wall_s", 0), cell(s["yosys"], "cpu_s", 0), cell(s.get("estimate"), "lut")))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--compile", required=True)
    p.add_argument("--bench", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--scaling", action="store_true", help="only the width-scaling table")
    p.add_argument("--no-yosys", action="store_true")
    p.add_argument("--yosys-timeout", type=float, default=180)
    p.add_argument("--step-timeout", type=float, default=300)
    p.add_argument("--budget", type=float, default=780,
                   help="seconds for the measurements; later steps get shorter limits or are skipped")
    p.add_argument("--only", default=None, help="comma-separated model names (jet_tagger, l1_autoencoder, large)")
    args = p.parse_args()
    bench = Bench(args)
    t0 = time.monotonic()
    results = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": {"cores": os.cpu_count(), "machine": platform.machine(),
                 "gxx": subprocess.run(["g++", "-dumpfullversion"], capture_output=True, text=True).stdout.strip(),
                 "verilator": subprocess.run(["verilator", "--version"], capture_output=True, text=True).stdout.strip(),
                 "yosys": (subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip()
                           if shutil.which("yosys") else None)},
        "options": {"quick": args.quick, "scaling": args.scaling, "no_yosys": args.no_yosys,
                    "yosys_timeout_s": args.yosys_timeout, "step_timeout_s": args.step_timeout,
                    "budget_s": args.budget},
        "load_average_start": load_average(),
    }
    if args.scaling:
        results["scaling"] = bench.scaling()
    else:
        only = set(args.only.split(",")) if args.only else None
        large_model = os.path.join(args.work, "mlp_64_128_128_64_10.json")
        subprocess.run([args.bench, "--write-mlp", ",".join(map(str, LARGE)), large_model], check=True)
        models = [
            ("jet_tagger", os.path.join(REPO, "examples/jet_tagger/model.json"),
             columns_of(os.path.join(REPO, "examples/jet_tagger/test_inputs.csv")), False),
            ("l1_autoencoder", os.path.join(REPO, "examples/l1_autoencoder/model.json"),
             columns_of(os.path.join(REPO, "examples/l1_autoencoder/test_inputs.csv")), False),
            ("large", large_model, LARGE[0], True),
        ]
        models = [m for m in models if only is None or m[0] in only]
        results["models"] = bench.models(models)
        results["training"] = bench.training_results
    results["load_average_end"] = load_average()
    results["total_wall_s"] = time.monotonic() - t0
    with open(args.results, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print_table(results)
    print("\nload average start %s, end %s; total %.0f s; %s"
          % (results["load_average_start"], results["load_average_end"], results["total_wall_s"], args.results))


if __name__ == "__main__":
    main()
