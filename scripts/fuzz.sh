#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 30 s, every target)
#   scripts/fuzz.sh --build-only
#
# Targets: ModelDecoderFuzz (model.json decoder + lowering pipeline),
# FixedTypeFuzz (the ap_fixed type parser), CSVReaderFuzz (the CSV event
# reader) and TrainConfigFuzz (train.json: decoding and the checks made before
# training; links OpenBLAS through pkg-config). The libraries are compiled from
# Sources/ with swiftc -sanitize=fuzzer,address into .build-fuzz/ (SwiftPM is
# not used, so this never touches the package's own build folders).
# The working corpus grows in .build-fuzz/corpus/<target>, seeded from the
# bad-input corpus and Fuzz/seeds/. A crash, trap, timeout or out-of-memory
# input is written to .build-fuzz/findings/<target>/ and the script exits 1;
# turn each one into a regression case (docs/hardening.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
build_only=0
targets=()
for arg in "$@"; do
    case "$arg" in
        --build-only) build_only=1 ;;
        ''|*[!0-9]*) targets+=("$arg") ;;
        *) seconds=$arg ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(ModelDecoderFuzz FixedTypeFuzz CSVReaderFuzz TrainConfigFuzz)

# The libraries each target links, in dependency order.
modules_of() {
    case "$1" in
        ModelDecoderFuzz|FixedTypeFuzz) echo InputFiles FixedPoint ModelIR ModelFormat Passes ;;
        CSVReaderFuzz) echo CPosix FileSafety InputFiles TensorIO ;;
        TrainConfigFuzz) echo CPosix CKernels FileSafety InputFiles FixedPoint ModelIR ModelFormat Passes TensorIO Reference Metrics SeededRandomness Datasets Training ;;
        *) echo "fuzz.sh: unknown target $1" >&2; exit 2 ;;
    esac
}

out=.build-fuzz
mkdir -p "$out/modules"
flags=(-O -g -parse-as-library -sanitize=fuzzer,address -I "$out/modules")

# Training imports CBLAS (Sources/CBLAS/module.modulemap), i.e. OpenBLAS.
blas_cflags=() blas_libs=()
for f in $(pkg-config --cflags openblas 2>/dev/null); do blas_cflags+=(-Xcc "$f"); done
read -r -a blas_libs <<< "$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)"

# The C targets (CPosix, CKernels): one object each, compiled with the
# sanitizers, and one module map naming their headers for swiftc.
cat > "$out/modules/module.modulemap" <<MAP
module CPosix { header "$PWD/Sources/CPosix/include/cposix.h" export * }
module CKernels { header "$PWD/Sources/CKernels/include/ckernels.h" export * }
MAP
build_c_module() {
    local name=$1
    local stamp="$out/modules/$name.o"
    if [ -f "$stamp" ] && [ -z "$(find Sources/"$name" -newer "$stamp" -print -quit)" ]; then return; fi
    echo "fuzz.sh: compiling $name (C)"
    clang -O1 -g -fsanitize=fuzzer-no-link,address -I Sources/"$name"/include -c Sources/"$name"/*.c -o "$stamp"
}

# One object and one .swiftmodule per library, in dependency order.
build_module() {
    local name=$1
    if [ -d Sources/"$name"/include ]; then build_c_module "$name"; return; fi
    local sources=(Sources/"$name"/*.swift)
    local stamp="$out/modules/$name.o"
    local extra=()
    # The Training target reaches TrainingRun's internal checks (@testable).
    if [ "$name" = Training ]; then extra=(-enable-testing -I Sources/CBLAS "${blas_cflags[@]}"); fi
    if [ -f "$stamp" ] && [ -z "$(find "${sources[@]}" -newer "$stamp" -print -quit)" ]; then return; fi
    echo "fuzz.sh: compiling $name"
    swiftc "${flags[@]}" "${extra[@]}" -wmo -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -emit-object -o "$stamp" "${sources[@]}"
}
needed=()
for target in "${targets[@]}"; do
    modules_of "$target" > /dev/null
    for module in $(modules_of "$target"); do
        [[ " ${needed[*]} " == *" $module "* ]] || needed+=("$module")
    done
done
# Dependency order: every module after the ones it imports.
for module in CPosix CKernels FileSafety InputFiles FixedPoint ModelIR ModelFormat Passes TensorIO Reference Metrics SeededRandomness Datasets Training; do
    if [[ " ${needed[*]} " == *" $module "* ]]; then build_module "$module"; fi
done

build_target() {
    local target=$1
    local objects=() link=()
    for module in $(modules_of "$target"); do objects+=("$out/modules/$module.o"); done
    if [ "$target" = TrainConfigFuzz ]; then link=(-I Sources/CBLAS "${blas_cflags[@]}" "${blas_libs[@]}"); fi
    echo "fuzz.sh: linking $target"
    swiftc "${flags[@]}" "${link[@]}" -module-name "$target" "Fuzz/$target/main.swift" \
        -use-ld=lld "${objects[@]}" -o "$out/$target"
}
for target in "${targets[@]}"; do build_target "$target"; done
[ "$build_only" = 1 ] && exit 0

status=0
for target in "${targets[@]}"; do
    corpus="$out/corpus/$target"
    findings="$out/findings/$target"
    mkdir -p "$corpus" "$findings"
    case "$target" in
        ModelDecoderFuzz)
            cp -n Tests/ModelFormatTests/Corpus/*.json Tests/ModelFormatTests/Corpus/lowering/*.json Tests/CLITests/Fixtures/*.json Fuzz/seeds/model/* "$corpus"/ 2>/dev/null || true
            extra=(-dict=Fuzz/model.dict -max_len=65536) ;;
        FixedTypeFuzz)
            cp -n Fuzz/seeds/fixedtype/* "$corpus"/ 2>/dev/null || true
            extra=(-dict=Fuzz/fixedtype.dict -max_len=256) ;;
        CSVReaderFuzz)
            cp -n Tests/HardeningTests/CSVCorpus/*.csv Fuzz/seeds/csv/* "$corpus"/ 2>/dev/null || true
            extra=(-dict=Fuzz/csv.dict -max_len=4096) ;;
        TrainConfigFuzz)
            for m in examples/*/train.json; do cp -n "$m" "$corpus/$(basename "$(dirname "$m")").json"; done
            cp -n Fuzz/seeds/train/* "$corpus"/ 2>/dev/null || true
            extra=(-dict=Fuzz/train.dict -max_len=8192) ;;
        *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
    esac
    echo "fuzz.sh: running $target for ${seconds}s"
    # The Swift backtracer would swallow the signal before libFuzzer saves the input.
    if ! SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$out/$target" "${extra[@]}" \
            -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
            -artifact_prefix="$findings/" "$corpus" > "$out/$target.log" 2>&1; then
        status=1
        echo "fuzz.sh: $target FOUND A PROBLEM; input(s) in $findings, log in $out/$target.log" >&2
        grep -E "ERROR|Fatal error|SUMMARY|Test unit written" "$out/$target.log" | head -20 >&2 || true
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/$target.log" | sed "s/^/fuzz.sh: $target /" || true
done
exit $status
