#!/usr/bin/env bash
# Installs everything hepml-compile needs on a fresh Debian machine:
# Verilator (RTL simulation), OpenBLAS (training), Yosys (resource reports),
# g++ (HLS C simulation) and the open ap_types headers (from the hls4ml wheel,
# installed without its dependencies: we only read its headers), and, for
# the tests only, the QONNX executor (qonnx, onnxruntime, onnx) and xgboost.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
need_apt=()
command -v verilator >/dev/null 2>&1 || need_apt+=(verilator)
command -v yosys >/dev/null 2>&1 || need_apt+=(yosys)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
[ -x /usr/bin/time ] || need_apt+=(time)  # GNU time: peak memory in bench/run
pkg-config --exists openblas 2>/dev/null || need_apt+=(libopenblas-dev)
pkg-config --exists sqlite3 2>/dev/null || need_apt+=(libsqlite3-dev)  # the sweep's results database
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! python3 - <<'PY' 2>/dev/null
import importlib.util, os, sys
spec = importlib.util.find_spec("hls4ml")
sys.exit(0 if spec and os.path.isdir(os.path.join(os.path.dirname(spec.origin), "templates/vivado/ap_types")) else 1)
PY
then
  echo "setup: pip install --no-deps hls4ml (for the ap_types headers)"
  python3 -m pip install --quiet --no-deps hls4ml
fi
# Test-only: the QONNX executor is the oracle of Tests/QONNXTests (checked
# in isolated mode, from /, so nothing in the working folder is imported).
if ! (cd / && python3 -I -c "import qonnx, onnxruntime, onnx" 2>/dev/null); then
  echo "setup: pip install qonnx onnxruntime onnx (test oracle for QONNX import)"
  python3 -m pip install --quiet "qonnx==1.0.0" "onnxruntime>=1.17" "onnx>=1.15"
fi
# Test-only: xgboost is the oracle of Tests/ForestTests (XGBoost import);
# the CPU-only wheel, pinned (3.2.0 is the newest that supports Python 3.11).
if ! (cd / && python3 -I -c "import xgboost" 2>/dev/null); then
  echo "setup: pip install xgboost-cpu (test oracle for XGBoost import)"
  python3 -m pip install --quiet "xgboost-cpu==3.2.0"
fi
# Test-only: scikit-learn and skl2onnx write the ONNX-ML tree ensembles of
# Tests/ForestTests (onnxruntime, above, is the oracle); skl2onnx without its
# dependencies so that the onnx pinned for QONNX stays as it is.
if ! (cd / && python3 -I -c "import sklearn, skl2onnx" 2>/dev/null); then
  echo "setup: pip install scikit-learn skl2onnx (test oracle for ONNX-ML tree ensembles)"
  python3 -m pip install --quiet "scikit-learn==1.6.1"
  python3 -m pip install --quiet --no-deps "skl2onnx==1.20.0"
fi
echo "setup: verilator $(verilator --version | cut -d' ' -f2), yosys $(yosys -V | cut -d' ' -f2), ap_types $(scripts/ap-types-dir.sh)"
