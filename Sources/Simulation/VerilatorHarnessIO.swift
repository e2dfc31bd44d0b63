import FileSafety
import Foundation
import ModelIR

/// The files a Verilator simulation reads and writes: the design on disk,
/// the testbench's input and output text, and the build cache key.
extension VerilatorSimulation {
    /// Writes generated files under `directory`.
    static func write(_ files: [GeneratedFile], to directory: String) throws(RTLSimulationError) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                let path = (directory as NSString).appendingPathComponent(file.path)
                try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path))
            }
        } catch {
            throw .io("cannot write the design to \(directory): \(error.localizedDescription)")
        }
    }

    /// Raw input codes, one event a line.
    static func inputText(_ inputs: [[Int64]]) -> String {
        var text = ""
        text.reserveCapacity(inputs.count * (inputs.first?.count ?? 1) * 6)
        for row in inputs {
            text += row.map(String.init).joined(separator: " ")
            text += "\n"
        }
        return text
    }

    struct ParsedOutput {
        var inputCycles: [Int] = []
        var outputCycles: [Int] = []
        var outputs: [[Int64]] = []
        var cycles = 0
        var seconds = 0.0
    }

    /// Parses the testbench's output: a `#` summary line, then per event
    /// `<input cycle> <output cycle> <codes>`. Hand-written: the file is
    /// large and its format fixed (written by our testbench).
    static func parseOutput(_ data: Data, outputs width: Int) throws(RTLSimulationError) -> ParsedOutput {
        var result = ParsedOutput()
        var failure: String?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var row: [Int64] = []
            row.reserveCapacity(width + 2)
            var value: Int64 = 0, negative = false, inNumber = false
            var line = 1
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "#") {
                    // The summary line: "# events E outputs O cycles C seconds S".
                    var j = i
                    while j < bytes.count && bytes[j] != UInt8(ascii: "\n") { j += 1 }
                    let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<j]), as: UTF8.self)
                    let fields = text.split(separator: " ")
                    for (k, f) in fields.enumerated() where k + 1 < fields.count {
                        if f == "cycles" { result.cycles = Int(fields[k + 1]) ?? 0 }
                        if f == "seconds" { result.seconds = Double(fields[k + 1]) ?? 0 }
                    }
                    i = j + 1
                    line += 1
                    continue
                }
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = value &* 10 &+ Int64(b - UInt8(ascii: "0"))
                    inNumber = true
                case UInt8(ascii: "-") where !inNumber:
                    negative = true
                    inNumber = true
                case UInt8(ascii: " "), UInt8(ascii: "\n"):
                    if inNumber { row.append(negative ? 0 &- value : value) }
                    value = 0; negative = false; inNumber = false
                    if b == UInt8(ascii: "\n") {
                        if row.count != width + 2 {
                            if failure == nil { failure = "line \(line) has \(row.count) numbers, expected \(width + 2)" }
                        } else {
                            result.inputCycles.append(Int(row[0]))
                            result.outputCycles.append(Int(row[1]))
                            result.outputs.append(Array(row[2...]))
                        }
                        row.removeAll(keepingCapacity: true)
                        line += 1
                    }
                default:
                    if failure == nil { failure = "line \(line): unexpected character \(b)" }
                }
                i += 1
            }
            if inNumber || !row.isEmpty, failure == nil { failure = "the last line is incomplete" }
        }
        if let failure { throw .output("RTL testbench output: \(failure)") }
        return result
    }

    /// ``ContentHash`` of everything that determines the executable.
    static func cacheKey(_ files: [GeneratedFile], flags: [String]) -> String {
        var hash = ContentHash()
        flags.forEach { hash.add($0) }
        for f in files.sorted(by: { $0.path < $1.path }) { hash.add(f.path); hash.add(f.contents) }
        return hash.hex
    }
}
