// swift-tools-version:6.1
import PackageDescription

// One module per concern; each depends only on modules above it in this list
// (X <- Y: Y uses X):
//   CPosix <- FileSafety <- TensorIO, Templates, Toolchain (and everything that writes files)
//   InputFiles (reading user files safely) <- ModelFormat, TensorIO, QONNX, Training
//   FixedPoint <- ModelIR <- ModelFormat, Passes <- QONNX (import/export)
//   TensorIO, CKernels, ModelIR <- Reference (the bit-exact evaluator)
//   Reference, Templates <- HLSBackend;  NetlistIR <- NetlistLowering (lowered IR -> netlist)
//   NetlistIR, NetlistLowering, Templates <- VerilogBackend (schedules and prints)
//   HLSBackend, VerilogBackend, Reference, Toolchain <- Simulation (Verilator, g++)
//   TensorIO <- Datasets;  Metrics;  CBLAS, ModelFormat, Passes, Reference, Datasets, Metrics <- Training
//   Reference, Metrics, Templates, Toolchain <- Reports (from values: a DesignSummary, simulation counts)
//   ModelFormat, QONNX, Passes, Reference, VerilogBackend, Reports, Metrics, CSQLite <- Sweep (design-space sweeps)
//   ModelFormat, QONNX, backends, Simulation, Reports, Training, Sweep <- Driver (one file per command)
//   Driver, swift-argument-parser <- hepml-compile (the CLI: options in, one Driver call, exit code out)
// The modules whose loops the tests and the debug CLI spend their time in
// (quantizing, the reference, the netlist search and printer, CSV, data
// generation, training) are optimized in debug builds too: the test suite
// runs ~180 s of CPU faster (VerilogTests 396 -> 283 s, the reference and
// property tests 5-30x), for ~60 s more to compile them
// (docs/hardening.md, "The suite's time"). Every other module stays -Onone.
let optimizedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "hepml-compile",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hepml-compile", targets: ["hepml-compile"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The POSIX calls Swift's Glibc module leaves out (renameat2).
        .target(name: "CPosix"),
        // Writing outputs without destroying user files; private scratch and
        // cache folders; what may be trusted as code; cleanup on interrupts.
        .target(name: "FileSafety", dependencies: ["CPosix"]),
        // Numerics: ap_fixed / ap_ufixed with Vitis HLS semantics.
        .target(name: "FixedPoint", swiftSettings: optimizedEvenInDebug),
        // SplitMix64, the one seeded generator behind synthetic models, test vectors and event seeding.
        .target(name: "SeededRandomness"),
        // Reading user files: stat before open (no blocking on a FIFO), what a path is.
        .target(name: "InputFiles"),
        // Typed graph IR (float) and the lowered integer IR shared by every backend.
        .target(name: "ModelIR", dependencies: ["FixedPoint"]),
        // model.json v1: strict decoding into the graph IR and encoding back.
        .target(name: "ModelFormat", dependencies: ["ModelIR", "FixedPoint", "InputFiles"]),
        // QONNX (ONNX with Quant nodes) import into the graph IR and export
        // from the lowered IR; onnx.pb.swift is generated once and committed
        // (scripts/regenerate-onnx-proto.sh): only the runtime is a dependency.
        .target(name: "QONNX", dependencies: [
            "ModelIR", "FixedPoint", "Passes", "InputFiles",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // Lowering passes: graph IR -> lowered IR.
        .target(name: "Passes", dependencies: ["ModelIR", "FixedPoint"], swiftSettings: optimizedEvenInDebug),
        // Deterministic synthetic models of the shapes the tests and benches use.
        .target(name: "ModelZoo", dependencies: ["ModelIR", "FixedPoint", "SeededRandomness"]),
        // The batched dense loop in C, for the vector units found at run time (AVX2/FMA).
        .target(name: "CKernels"),
        // Bit-exact Swift reference and float evaluator; CSV/.npy tensors.
        .target(name: "Reference", dependencies: ["ModelIR", "FixedPoint", "Passes", "TensorIO", "CKernels"], swiftSettings: optimizedEvenInDebug),
        // Finding and rendering the Mustache templates in templates/.
        .target(name: "Templates", dependencies: [
            "FileSafety", .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // Vitis HLS C++ project emitter (templates/hls).
        .target(name: "HLSBackend", dependencies: [
            "ModelIR", "FixedPoint", "Reference", "Templates", "TensorIO", "SeededRandomness",
        ]),
        // The bit-level netlist below the lowered IR: typed nodes with exact
        // intervals and scales, its interpreter, pipelining and Verilog printer.
        .target(name: "NetlistIR", dependencies: ["FixedPoint"], swiftSettings: optimizedEvenInDebug),
        // Pipelined Verilog emitter (templates/verilog).
        // The lowering from the lowered IR to the bit-level netlist (one netlist per op).
        .target(name: "NetlistLowering", dependencies: ["ModelIR", "FixedPoint", "NetlistIR"], swiftSettings: optimizedEvenInDebug),
        .target(name: "VerilogBackend", dependencies: ["ModelIR", "FixedPoint", "NetlistIR", "NetlistLowering", "Templates"], swiftSettings: optimizedEvenInDebug),
        // Running external tools: verilator, g++, yosys.
        .target(name: "Toolchain", dependencies: [
            "FileSafety",
            .product(name: "Subprocess", package: "swift-subprocess"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Building and running the generated designs: Verilator RTL simulation
        // and g++ C simulation of the HLS project, compared with the reference.
        .target(name: "Simulation", dependencies: [
            "ModelIR", "FixedPoint", "Reference", "TensorIO", "Toolchain", "VerilogBackend", "HLSBackend", "FileSafety",
        ]),
        // OpenBLAS through pkg-config.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Reading and writing event tables: numeric CSV and .npy.
        .target(name: "TensorIO", dependencies: ["FileSafety", "InputFiles"], swiftSettings: optimizedEvenInDebug),
        // Physics figures of merit: ROC, AUC, rejection, efficiency at a fixed rate.
        .target(name: "Metrics", swiftSettings: optimizedEvenInDebug),
        // Physics-like data generators and user data loaders.
        .target(name: "Datasets", dependencies: ["TensorIO", "SeededRandomness"], swiftSettings: optimizedEvenInDebug),
        // Float and quantization-aware training.
        .target(name: "Training", dependencies: [
            "CBLAS", "FixedPoint", "ModelIR", "ModelFormat", "Datasets", "Metrics", "Passes", "Reference", "TensorIO", "FileSafety", "InputFiles",
        ], swiftSettings: optimizedEvenInDebug),
        // Bit-accuracy, latency and resource reports, computed from values
        // (a backend's DesignSummary, simulation counts); only yosys is run here.
        .target(name: "Reports", dependencies: [
            "ModelIR", "FixedPoint", "NetlistIR", "Reference", "Metrics", "Templates", "TensorIO", "Toolchain", "FileSafety",
        ]),
        // SQLite through the system library (libsqlite3-dev): the sweep's results database.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Design-space sweeps: the spec, its points, evaluating one point,
        // the results database, the local and Slurm executors, the Pareto report.
        .target(name: "Sweep", dependencies: [
            "CSQLite", "FixedPoint", "ModelIR", "ModelFormat", "QONNX", "Passes", "Reference", "VerilogBackend", "NetlistLowering",
            "Reports", "Templates", "Toolchain", "TensorIO", "Metrics", "FileSafety", "InputFiles",
        ]),
        // What each command does, one file per command: load, compile, write,
        // predict, simulate, report, train, physics, import/export; typed
        // options in, typed results or a DriverError (with its exit code) out.
        .target(name: "Driver", dependencies: [
            "FixedPoint", "ModelIR", "ModelFormat", "Passes", "Reference", "QONNX",
            "HLSBackend", "VerilogBackend", "NetlistLowering", "Templates", "Toolchain", "Simulation", "Reports",
            "TensorIO", "Datasets", "Metrics", "Training", "FileSafety", "InputFiles", "Sweep",
        ]),
        // The command line: parses options and calls one Driver function per command.
        .executableTarget(name: "hepml-compile", dependencies: [
            "Driver", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Throughput figures for bench/ (not a test: speed targets live in benchmarks).
        .executableTarget(name: "hepml-bench", dependencies: [
            "ModelIR", "ModelZoo", "Passes", "Reference", "TensorIO", "FixedPoint", "ModelFormat", "Datasets", "FileSafety",
        ]),

        .testTarget(name: "FixedPointTests", dependencies: [
            "FixedPoint", "Toolchain", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ModelFormatTests", dependencies: ["ModelFormat"],
                    exclude: ["Corpus"]),
        .testTarget(name: "PassesTests", dependencies: ["Passes", "ModelFormat", "ModelIR", "FixedPoint", "Reference", "ModelZoo", "SeededRandomness"]),
        .testTarget(name: "ReferenceTests", dependencies: ["Reference", "Passes", "ModelFormat", "ModelIR", "FixedPoint", "ModelZoo", "TensorIO"]),
        // Runs the built hepml-compile executable; links no module of its own.
        .testTarget(name: "CLITests", exclude: ["Fixtures"]),
        .testTarget(name: "VerilogTests", dependencies: [
            "VerilogBackend", "NetlistLowering", "NetlistIR", "HLSBackend", "ModelFormat", "Simulation", "Passes", "Reference", "ModelZoo",
            "ModelIR", "FixedPoint", "Toolchain", "Templates",
        ]),
        .testTarget(name: "HLSTests", dependencies: [
            "HLSBackend", "VerilogBackend", "Simulation", "Passes", "ModelZoo", "ModelIR", "FixedPoint", "TensorIO", "Toolchain",
            "Templates",
        ], exclude: ["Golden"]),
        .testTarget(name: "TensorIOTests", dependencies: ["TensorIO"]),
        .testTarget(name: "QONNXTests", dependencies: ["ModelIR", "FixedPoint", "ModelFormat", "ModelZoo"],
                    exclude: ["fixtures", "Malformed"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "FixedPoint", "ModelFormat", "ModelIR", "Passes", "Reference", "TensorIO"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TensorIO"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
        .testTarget(name: "FileSafetyTests", dependencies: ["FileSafety"]),
        .testTarget(name: "NetlistIRTests", dependencies: ["NetlistIR", "FixedPoint", "SeededRandomness"]),
        .testTarget(name: "HardeningTests", dependencies: [
            "FileSafety", "Templates", "Toolchain", "ModelFormat", "FixedPoint", "TensorIO", "Passes", "QONNX",
        ], exclude: ["CSVCorpus", "HostileCorpus"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "ModelZoo", "ModelFormat", "ModelIR", "FixedPoint", "Templates"]),
        // Decision forests: exact splits, model.json forests, XGBoost import, the backends.
        .testTarget(name: "ForestTests", dependencies: [
            "ModelIR", "ModelFormat", "Passes", "Reference", "Reports", "Training", "FixedPoint", "TensorIO", "Driver", "QONNX",
            "VerilogBackend", "HLSBackend", "Simulation", "Toolchain", "NetlistIR", "SeededRandomness", "Templates",
            .product(name: "PropertyBased", package: "swift-property-based"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "ReportsTests", dependencies: [
            "Reports", "Passes", "ModelIR", "FixedPoint", "Reference", "ModelZoo", "Metrics", "Templates", "TensorIO", "Toolchain",
            "VerilogBackend", "NetlistIR", "ModelFormat",
        ]),
    ]
)
