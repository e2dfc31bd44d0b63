import Foundation
import Testing
@testable import ModelFormat

/// Every file in Corpus/ is a defective model; manifest.tsv gives the text its
/// error must contain (file, layer and field included).
@Suite struct MalformedCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static var cases: [(file: String, expected: String)] {
        let text = (try? String(contentsOf: corpus.appendingPathComponent("manifest.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        }
    }

    @Test func corpusHasAtLeastThirtyDistinctDefects() {
        #expect(Self.cases.count >= 30)
        #expect(Set(Self.cases.map(\.expected)).count == Self.cases.count)
    }

    @Test(arguments: cases.map(\.file))
    func eachDefectGetsItsOwnMessage(file: String) throws {
        let expected = Self.cases.first { $0.file == file }!.expected
        let error = #expect(throws: ModelFormatError.self) {
            _ = try ModelDecoder.load(path: Self.corpus.appendingPathComponent(file).path)
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(file), "the message names the file: \(message)")
        #expect(message.contains(expected), "\(message)")
    }
}

@Suite struct DecoderTests {
    let valid = """
    {"format": "hepml-model", "version": 1, "name": "m",
     "defaults": {"precision": "ap_fixed<12,4>"},
     "inputs": [{"name": "x", "shape": [3, 1]}],
     "layers": [
       {"name": "fc1", "type": "dense", "units": 2, "weights": [[0.5, -0.25], [1, 0], [0.125, 2]]},
       {"name": "act", "type": "leaky_relu", "alpha": 0.25},
       {"name": "p", "type": "activation", "activation": "softmax", "table": {"size": 512, "range": 4, "inverse_size": 256}},
       {"name": "both", "type": "concatenate", "inputs": ["p", "x"], "precision": {"result": "ap_fixed<10,3,RND,SAT>"}}
     ],
     "outputs": ["both", "fc1"]}
    """

    @Test func decodesLayersInKerasLayoutIntoRowsPerUnit() throws {
        let g = try ModelDecoder.decode(Data(valid.utf8))
        #expect(g.inputs[0].size == 3)
        guard case .dense(let d) = g.nodes[0].op else { Issue.record("not dense"); return }
        #expect(d.weights == [[0.5, 1, 0.125], [-0.25, 0, 2]])
        #expect(d.bias == [0, 0])
        #expect(g.nodes[1].op == .activation(.leakyReLU(alpha: 0.25)))
        #expect(g.nodes[1].inputs == ["fc1"])
        #expect(g.nodes[2].op == .activation(.softmax(.init(expSize: 512, expRange: 4, inverseSize: 256))))
        #expect(g.nodes[3].inputs == ["p", "x"])
        #expect(g.nodes[3].precision.result?.description == "ap_fixed<10,3,AP_RND,AP_SAT>")
        #expect(g.outputs == ["both", "fc1"])
        #expect(g.defaults.precision?.description == "ap_fixed<12,4>")
    }

    @Test func encoderOutputDecodesToTheSameGraph() throws {
        let g = try ModelDecoder.decode(Data(valid.utf8))
        let text = ModelEncoder.encode(g)
        let again = try ModelDecoder.decode(Data(text.utf8))
        #expect(again == g)
        #expect(ModelEncoder.encode(again) == text)
    }

    @Test func missingFileIsAnError() {
        #expect(throws: ModelFormatError.self) { try ModelDecoder.load(path: "/nonexistent/model.json") }
    }
}
