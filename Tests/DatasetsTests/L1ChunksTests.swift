import Datasets
import Foundation
import TensorIO
import Testing

/// Chunks of generated events depend only on the seed and their index.
struct L1ChunksTests {
    @Test func chunksDoNotDependOnTheOrderTheyAreMadeIn() {
        let g = L1AnomalyGenerator(seed: 7)
        let forward = (0..<3).map { g.backgroundChunk($0, count: 200) }
        let backward = (0..<3).reversed().map { g.backgroundChunk($0, count: 200) }.reversed()
        #expect(forward == Array(backward))
        #expect(forward[0] != forward[1])
        #expect(g.signalChunk(.aTo4L, 1, count: 50) == g.signalChunk(.aTo4L, 1, count: 50))
        #expect(g.signalChunk(.aTo4L, 1, count: 50) != g.signalChunk(.leptoquark, 1, count: 50))
    }

    @Test func theBackgroundStreamHasTheMixture() {
        // The mixture shows in the leptons: W -> l nu (59%) has one, missing ET and few jets.
        let t = L1AnomalyGenerator(seed: 3).backgroundChunk(0, count: 4000)
        #expect(t.rows == 4000 && t.columns == L1AnomalyGenerator.featureCount)
        #expect(t.values.allSatisfy { $0.isFinite })
    }
}
