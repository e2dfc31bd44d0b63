// libFuzzer target: arbitrary bytes as model.json, then the lowering pipeline.
// Any input must end in a value or a typed error (ModelFormatError,
// LoweringError); a trap, a crash, a stack overflow or a hang is a finding.
// Built and run by scripts/fuzz.sh; see docs/hardening.md.
import Foundation
import ModelFormat
import ModelIR
import Passes

@_cdecl("LLVMFuzzerTestOneInput")
public func modelDecoderFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    let graph: Graph
    do {
        graph = try ModelDecoder.decode(data, file: "fuzz.json")
    } catch {
        // A message must always say where: the file label comes first.
        precondition(error.description.hasPrefix("fuzz.json"), "unlocated error: \(error)")
        return 0
    }
    // A model the decoder accepts must lower or fail with a typed error.
    _ = try? Pipeline.run(graph)
    return 0
}
