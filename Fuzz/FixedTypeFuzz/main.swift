// libFuzzer target: arbitrary text as a fixed-point type spelling.
// Parsing must return a type or a FixedTypeError, never trap; a parsed type
// must print to a spelling that parses back to the same type.
// Built and run by scripts/fuzz.sh; see docs/hardening.md.
import FixedPoint

@_cdecl("LLVMFuzzerTestOneInput")
public func fixedTypeFuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    guard let type = try? FixedType(parsing: text) else { return 0 }
    let again = try? FixedType(parsing: type.description)
    precondition(again == type, "'\(text)' parsed as \(type), which does not parse back")
    return 0
}
