// libFuzzer target: arbitrary bytes as train.json, through
// TrainConfig.load (JSON syntax, the key check, the Decodable structs) and,
// for a config that loads, the checks a training run makes before it reads
// any data: the layer list, the training options, every fixed-point type.
// Each may only fail with a TrainingError (the signatures say so) whose
// message names the file; a trap, a crash, a stack overflow or a hang is a
// finding. Built and run by scripts/fuzz.sh; see docs/hardening.md.
import Foundation
@testable import Training

/// One file, rewritten for each input: TrainConfig reads a path. In memory
/// when /dev/shm exists; written with stdio (FileManager syncs to disk).
let path = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory())
    + "hepml-train-fuzz-\(ProcessInfo.processInfo.processIdentifier).json"

@_cdecl("LLVMFuzzerInitialize")
public func trainConfigFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    atexit { unlink(path) }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func trainConfigFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let file = fopen(path, "wb") else { preconditionFailure("cannot write \(path)") }
    if let start, count > 0 { precondition(fwrite(start, 1, count, file) == count, "cannot write \(path)") }
    fclose(file)
    let config: TrainConfig
    do throws(TrainingError) {
        config = try TrainConfig.load(path: path)
    } catch {
        precondition(error.description.contains(path), "the message does not name the file: \(error)")
        return 0
    }
    let run = TrainingRun(config: config, baseDirectory: NSTemporaryDirectory())
    _ = try? run.layerSpecs(inputSize: 16)
    _ = try? run.options()
    _ = try? TrainConfig.type(config.inputType, field: "input_type")
    // A forest config: every check before data (ranges, exclusions, types).
    if let model = config.model {
        _ = try? config.validateForest(model)
        _ = model.forest?.options
    }
    for (layer, o) in config.quantization?.overrides ?? [:] {
        for (key, text) in [("weight", o.weight), ("bias", o.bias), ("result", o.result), ("alpha", o.alpha)] {
            _ = try? TrainConfig.type(text, field: "quantization.overrides.\(layer).\(key)")
        }
    }
    return 0
}
