#!/usr/bin/env bash
# Prints the directory of the open ap_types headers shipped in the hls4ml wheel.
python3 -c 'import importlib.util, os; s = importlib.util.find_spec("hls4ml"); print(os.path.join(os.path.dirname(s.origin), "templates", "vivado", "ap_types"))'
