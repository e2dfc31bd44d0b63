import Foundation

/// What a Verilator simulation's testbench reads and writes: binary input
/// and output (little-endian int64 codes: no text to format or parse for
/// millions of events).
extension VerilatorSimulation {
    /// Raw input codes, event after event, as the testbench reads them:
    /// little-endian int64.
    static func inputBytes(_ codes: [Int64]) -> Data {
        var data = Data(count: codes.count * 8)
        data.withUnsafeMutableBytes { out in
            for (i, v) in codes.enumerated() { out.storeBytes(of: v.littleEndian, toByteOffset: i * 8, as: Int64.self) }
        }
        return data
    }

    struct ParsedOutput {
        var inputCycles: [Int] = []
        var outputCycles: [Int] = []
        var outputs: [[Int64]] = []
        var cycles = 0
        var seconds = 0.0
    }

    /// Reads the testbench's binary output: a header of four little-endian
    /// int64 (events, outputs, cycles, seconds as a double's bits), then per
    /// event its input cycle, output cycle and `width` output codes.
    static func parseOutput(_ data: Data, outputs width: Int) throws(RTLSimulationError) -> ParsedOutput {
        var result = ParsedOutput()
        let record = (2 + width) * 8
        guard data.count >= 32, (data.count - 32) % record == 0 else {
            throw .output("RTL testbench output: \(data.count) bytes is not a header and whole records of \(record) bytes")
        }
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            func int(_ offset: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
            result.cycles = Int(int(16))
            result.seconds = Double(bitPattern: UInt64(bitPattern: int(24)))
            let n = (data.count - 32) / record
            result.inputCycles.reserveCapacity(n)
            result.outputCycles.reserveCapacity(n)
            result.outputs.reserveCapacity(n)
            for k in 0..<n {
                let base = 32 + k * record
                result.inputCycles.append(Int(int(base)))
                result.outputCycles.append(Int(int(base + 8)))
                result.outputs.append((0..<width).map { int(base + 16 + 8 * $0) })
            }
        }
        return result
    }
}
