import FixedPoint
import Foundation
import Testing
import Toolchain

/// The real `ap_fixed` headers are the specification: every conversion the
/// oracle program performs must produce the same raw code in Swift.
@Suite("ap_types oracle")
struct APFixedOracleTests {
    /// 63 mode sets (7 Q x 5 O, N in {0,1,2} for the wrap modes) x 2 formats,
    /// each converting 64 doubles and 64 values of a random fixed source.
    /// The cost is the C++ compile (one instantiation per conversion pair),
    /// not the number of values.
    static let valuesPerConversion = 64
    static let suite = OracleSuite(seed: 20_240_611, typesPerModeSet: 2, valuesPerConversion: valuesPerConversion,
                                   handCases: QuantizationModeTests.cases + OverflowModeTests.cases)
    /// Compiled as separate programs, in parallel, to use both cores.
    static let parts = 2

    @Test("FixedType.quantize matches ap_fixed conversion bit for bit (doubles and fixed sources)")
    func quantizeMatchesHeaders() async throws {
        let gxx = ToolRunner.locate("g++")
        let headers = APTypes.locate()
        guard let gxx, let headers else {
            Issue.record("""
                The ap_fixed oracle needs g++ and the open ap_types headers \
                (g++: \(gxx ?? "missing"), headers: \(headers ?? "missing")). \
                Run scripts/setup.sh; \(APTypes.installHint).
                """)
            return
        }
        let outputs = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for part in 0..<Self.parts {
                group.addTask {
                    let binary = try await Self.compiledProgram(part: part, compiler: gxx, headers: headers)
                    let run = try await ToolRunner.run(binary, [], installHint: "the oracle binary was just built")
                    return (part, run.standardOutput)
                }
            }
            var byPart = [String](repeating: "", count: Self.parts)
            for try await (part, text) in group { byPart[part] = text }
            return byPart
        }

        var checked = 0
        var handChecked = 0
        var handMismatches: [String] = []
        var mismatches: [String] = []
        var mismatchesByModes: [String: Int] = [:]
        for part in 0..<Self.parts {
            let conversions = Self.suite.conversions(part: part, of: Self.parts)
            let lines = outputs[part].split(separator: "\n")
            try #require(lines.count == conversions.count,
                         "oracle part \(part) printed \(lines.count) results for \(conversions.count) conversions")
            for (conversion, line) in zip(conversions, lines) {
                let target = conversion.target
                let bits = try #require(UInt64(line, radix: 16), "unreadable oracle output '\(line)'")
                let expected = target.rawFromBits(target.bits(ofRaw: Int64(bitPattern: bits)))
                let actual = conversion.swiftRaw
                checked += 1
                if let hand = conversion.handCase {
                    handChecked += 1
                    if hand.expected != expected {
                        handMismatches.append("\(hand.testDescription): ap_fixed gives \(expected) (\(hand.arithmetic))")
                    }
                }
                if actual != expected {
                    let key = "\(target.quantization.rawValue),\(target.overflow.rawValue),N=\(target.saturationBits)"
                    mismatchesByModes[key, default: 0] += 1
                    if mismatches.count < 40 {
                        mismatches.append("\(target) <- \(conversion.inputDescription): ap_fixed \(expected), Swift \(actual)")
                    }
                }
            }
        }
        let total = mismatchesByModes.values.reduce(0, +)
        let types = Self.suite.groups.count
        print("ap_fixed oracle: \(checked) conversions into \(types) target types (\(handChecked) hand-worked), \(total) mismatches")
        let handTotal = QuantizationModeTests.cases.count + OverflowModeTests.cases.count
        #expect(handChecked == handTotal)
        #expect(handMismatches.isEmpty, "hand-worked expectations the headers disagree with:\n\(handMismatches.joined(separator: "\n"))")
        #expect(total == 0, """
            \(total) of \(checked) conversions differ from ap_fixed; by modes: \
            \(mismatchesByModes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
            \(mismatches.joined(separator: "\n"))
            """)
    }

    @Test("The header lookup honours HEPML_AP_TYPES and checks for ap_fixed.h")
    func headerLookup() throws {
        let found = try #require(APTypes.locate(), "run scripts/setup.sh")
        #expect(APTypes.locate(environment: ["HEPML_AP_TYPES": found, "PATH": ""]) == found)
        // Without python3 on PATH and without the variable there is nothing to find.
        #expect(APTypes.locate(environment: ["PATH": ""]) == nil)
        #expect(APTypes.locate(environment: ["HEPML_AP_TYPES": "/nonexistent", "PATH": ""]) == nil)
    }

    @Test("Hex float literals spell the exact double")
    func hexFloatLiterals() {
        #expect(hexFloatLiteral(1.5) == "0x1.8000000000000p+0")
        #expect(hexFloatLiteral(-0.375) == "-0x1.8000000000000p-2")
        #expect(hexFloatLiteral(-0.0) == "-0x0p+0")
        #expect(hexFloatLiteral(.leastNonzeroMagnitude) == "0x0.0000000000001p-1022")
        #expect(hexFloatLiteral(.greatestFiniteMagnitude) == "0x1.fffffffffffffp+1023")
    }

    /// The oracle binary for one part, compiled once per program text and
    /// header directory and kept in the temporary directory: the program is
    /// deterministic, so a cached binary prints what a fresh one would.
    static func compiledProgram(part: Int, compiler: String, headers: String) async throws -> String {
        let source = suite.program(part: part, of: parts)
        let key = String(fnv1a(source + "\n" + headers + "\n" + compiler), radix: 16)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-ap-fixed-oracle").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let binary = "\(dir)/oracle-\(key)"
        if FileManager.default.isExecutableFile(atPath: binary) { return binary }

        // Unique names while building, then an atomic rename: concurrent
        // test runs never see a half-written binary.
        let scratch = "\(dir)/build-\(key)-\(UUID().uuidString)"
        try source.write(toFile: scratch + ".cpp", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scratch + ".cpp") }
        try await ToolRunner.run(compiler, ["-O0", "-w", "-I", headers, scratch + ".cpp", "-o", scratch],
                                 log: scratch + ".log", installHint: APTypes.installHint)
        try? FileManager.default.removeItem(atPath: scratch + ".log")
        if rename(scratch, binary) != 0 { try? FileManager.default.removeItem(atPath: scratch) }
        return binary
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }
}
