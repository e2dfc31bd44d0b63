import Foundation
import Testing
import FixedPoint
import ModelFormat
import Passes

/// A bounded in-suite fuzz run that needs no libFuzzer: valid and defective
/// models are mutated (bit flips, truncation, splices, repeated and inserted
/// JSON tokens) from a fixed seed, and every mutant must decode, lower or
/// fail with a located error. A crash here brings down the test process;
/// scripts/fuzz.sh runs the coverage-guided fuzzers (docs/hardening.md).
@Suite struct MutationFuzzTests {
    /// SplitMix64: a reproducible stream for a given seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let tokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "NaN", "Infinity", "-", "1e999", "0", "-0.0",
                         "null", "true", "\"dense\"", "\"units\"", "\"weights\"", "\"precision\"", "\"ap_fixed<64,128>\"",
                         "\"ap_ufixed<1,-64,AP_RND,AP_SAT>\"", "\"softmax\"", "\"inputs\"", "[[", "]]", "\u{FEFF}", "\u{0}", "é"]

    static var seeds: [Data] {
        let fm = FileManager.default
        var files = [CLI.handModel, CLI.repoRoot.appendingPathComponent("Fuzz/seeds/model/graph.json").path]
        let corpus = (try? fm.contentsOfDirectory(atPath: CLI.corpus.path)) ?? []
        files += corpus.filter { $0.hasSuffix(".json") }.sorted().map { CLI.corpus.appendingPathComponent($0).path }
        return files.compactMap { fm.contents(atPath: $0) }.filter { $0.count < 100_000 }
    }

    static func mutate(_ input: [UInt8], with rng: inout Random, donors: [Data]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + rng.below(4)) {
            let at = rng.below(bytes.count + 1)
            switch rng.below(6) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << rng.below(8))
            case 1: bytes = Array(bytes.prefix(at))
            case 2: bytes.insert(contentsOf: Array(tokens[rng.below(tokens.count)].utf8), at: at)
            case 3 where !bytes.isEmpty:
                let n = min(bytes.count - min(at, bytes.count - 1), 1 + rng.below(16))
                bytes.removeSubrange(min(at, bytes.count - 1)..<min(at, bytes.count - 1) + n)
            case 4:
                let donor = Array(donors[rng.below(donors.count)])
                let from = rng.below(donor.count), length = rng.below(200)
                bytes.insert(contentsOf: donor[from..<min(donor.count, from + length)], at: at)
            default:
                let piece = Array(bytes[min(at, bytes.count)..<min(bytes.count, at + rng.below(40))])
                bytes.insert(contentsOf: Array(repeating: piece, count: 1 + rng.below(8)).joined(), at: at)
            }
        }
        return bytes
    }

    @Test func mutatedModelsDecodeOrFailWithALocatedError() throws {
        let seeds = Self.seeds
        #expect(seeds.count >= 40)
        var rng = Random(state: 20_261_123)
        var decoded = 0, lowered = 0
        for _ in 0..<4000 {
            // Half the mutants start from the two valid models, so that lowering gets fuzzed too.
            let seed = rng.below(2) == 0 ? seeds[rng.below(2)] : seeds[rng.below(seeds.count)]
            let mutant = Data(Self.mutate(Array(seed), with: &rng, donors: seeds))
            do {
                let graph = try ModelDecoder.decode(mutant, file: "mutant.json")
                decoded += 1
                if (try? Pipeline.run(graph)) != nil { lowered += 1 }
            } catch {
                #expect(error.description.hasPrefix("mutant.json: "), "\(error)")
                #expect(error.description.count <= 2001)
            }
        }
        print("mutation fuzz: 4000 mutants, \(decoded) decoded, \(lowered) lowered")
        #expect(decoded > 0)
    }

    @Test func randomTypeSpellingsParseOrFailAndRoundTrip() {
        let pieces = ["ap_fixed", "ap_ufixed", "ap_int", "ap_uint", "<", ">", ",", " ", "AP_", "RND", "RND_CONV", "TRN_ZERO",
                      "SAT", "SAT_SYM", "WRAP", "WRAP_SM", "0", "1", "-1", "16", "6", "63", "64", "65", "128", "129", "-64", "-65",
                      "9223372036854775807", "99999999999999999999", "+3", "x", "\u{0}", "é"]
        var rng = Random(state: 7)
        var parsed = 0
        for _ in 0..<20_000 {
            var text = ["ap_fixed<", "ap_ufixed<", "ap_int<", "ap_uint<", ""][rng.below(5)]
            for _ in 0..<rng.below(10) { text += pieces[rng.below(pieces.count)] }
            if rng.below(3) > 0 { text += ">" }
            guard let type = try? FixedType(parsing: text) else { continue }
            parsed += 1
            #expect((try? FixedType(parsing: type.description)) == type, "'\(text)' -> \(type)")
            #expect((1...64).contains(type.width))
        }
        #expect(parsed > 20)
    }
}
