import Foundation
import ModelFormat
import ModelIR
import ModelZoo
import Passes
import Testing

/// `lowered.txt` is the whole lowered model: it parses back to an identical
/// ``LoweredModel`` for every zoo and shipped model, and bad text is refused
/// with its line.
@Suite struct LoweredTextTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var models: [String] { ModelZoo.all.map(\.name) + ["examples/jet_tagger", "examples/l1_autoencoder"] }

    static func lowered(_ name: String) throws -> LoweredModel {
        if name.hasPrefix("examples/") {
            return try Pipeline.lower(ModelDecoder.load(path: repoRoot.appendingPathComponent("\(name)/model.json").path))
        }
        return try Pipeline.lower(ModelZoo.all.first { $0.name == name }!.make())
    }

    @Test(arguments: models)
    func theTextParsesBackToTheSameModel(model name: String) throws {
        let model = try Self.lowered(name)
        let text = LoweredPrinter.print(model)
        #expect(try LoweredParser.parse(text) == model)
        #expect(LoweredPrinter.print(try LoweredParser.parse(text)) == text)
    }

    @Test(arguments: [
        ("hepml-lowered 2\nmodel m\n", 1, "expected 'hepml-lowered 1'"),
        ("hepml-lowered 1\nmodel m\ntensor %1 x 2 ap_fixed<8,3>\n", 3, "expected 'tensor %0 <name> <size> <type>'"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<99,3>\n", 3, "type 'ap_fixed<99,3>'"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\ninput %4\n", 4, "'%4' is not a declared tensor"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\nop r frobnicate %0 -> %0\n", 4, "unknown op kind 'frobnicate'"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\nop d dense %0 -> %0\n", 4, "expected a 'types' line after the op"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\nop a activation %0 -> %0\n  act swish\n", 5, "unknown activation 'swish'"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\nop s scale %0 -> %0\n  types weight ap_fixed<8,3> bias ap_fixed<8,3> acc ap_fixed<20,8> pre - act linear\n  bias 1 2\n",
         4, "expected a 'weights' line after the op"),
        ("hepml-lowered 1\nmodel m\ntensor %0 x 2 ap_fixed<8,3>\nop s scale %0 -> %0\n  types weight ap_fixed<8,3> bias ap_fixed<8,3> acc ap_fixed<20,8> pre - act linear\n  bias 1 2\n  weights 1 x\n",
         7, "'x' is not an integer"),
    ])
    func badTextNamesItsLine(text: String, line: Int, message: String) {
        do {
            _ = try LoweredParser.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
        }
    }
}
