#!/usr/bin/env bash
# Regenerates Sources/QONNX/Generated/onnx.pb.swift from the official
# onnx.proto. Run by hand when moving to another ONNX or swift-protobuf
# version; CI never runs it (the generated file is committed).
#
# Needs: protoc (Debian's protobuf-compiler), the onnx.proto shipped in the
# `onnx` PyPI wheel, and protoc-gen-swift built from the swift-protobuf
# version Package.swift depends on, outside this repository:
#   git clone <swift-protobuf> /tmp/swift-protobuf && cd /tmp/swift-protobuf
#   git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
#   PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift scripts/regenerate-onnx-proto.sh
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
[ -x "$plugin" ] || { echo "regenerate-onnx-proto: set PROTOC_GEN_SWIFT to a built protoc-gen-swift" >&2; exit 3; }
command -v protoc >/dev/null || { echo "regenerate-onnx-proto: protoc not found (apt-get install protobuf-compiler)" >&2; exit 3; }
# Python in isolated mode, run from an empty folder: never imports from here.
proto_dir="$(cd / && python3 -I -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
[ -f "$proto_dir/onnx.proto" ] || { echo "regenerate-onnx-proto: onnx.proto not found (pip install onnx)" >&2; exit 3; }
onnx_version="$(cd / && python3 -I -c 'import onnx; print(onnx.__version__)')"
out=Sources/QONNX/Generated
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp "$proto_dir/onnx.proto" "$scratch/onnx.proto"
protoc --plugin=protoc-gen-swift="$plugin" -I "$scratch" \
  --swift_opt=Visibility=Public --swift_out="$scratch" "$scratch/onnx.proto"
{
  echo "// Generated from onnx.proto of onnx $onnx_version by scripts/regenerate-onnx-proto.sh"
  echo "// ($(protoc --version), protoc-gen-swift $("$plugin" --version 2>/dev/null | awk '{print $NF}')). Do not edit."
  cat "$scratch/onnx.pb.swift"
} > "$out/onnx.pb.swift"
echo "wrote $out/onnx.pb.swift"
