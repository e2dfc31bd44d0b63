import Foundation
import Testing
import TensorIO
@testable import Training

/// The tagger figures' binomial errors, on eight events worked by hand.
struct TaggerFiguresTests {
    /// Class-0 scores: its events 0.9, 0.8, 0.4, 0.3; class 1's 0.85, 0.2, 0.1, 0.05.
    static let col0 = [0.9, 0.8, 0.4, 0.3, 0.85, 0.2, 0.1, 0.05]
    static let outputs = EventTable(rows: 8, columns: 2, values: col0.flatMap { [$0, 1 - $0] })
    static let labels = [0, 0, 0, 0, 1, 1, 1, 1]

    @Test func accuracyAndRejectionCarryTheirBinomialErrors() {
        let f = PhysicsEvaluation.tagger(outputs: Self.outputs, labels: Self.labels, signalEfficiency: 0.5)
        // Right: 0.9, 0.8 (class 0) and 0.2, 0.1, 0.05 (class 1): 5 of 8.
        #expect(f.accuracy == 5.0 / 8)
        #expect(abs(f.accuracyError - (5.0 / 8 * 3.0 / 8 / 8).squareRoot()) < 1e-12)
        // Half of class 0 (0.9, 0.8) passes with one of the four class-1 events (0.85): R = 4.
        #expect(f.events == 8 && f.backgroundCounts == [4, 4])
        #expect(f.rejection[0] == 4)
        let expected = 4 * (0.25 * 0.75 / 4).squareRoot() / 0.25
        #expect(abs(f.rejectionError(0) - expected) < 1e-12)
        let table = PhysicsEvaluation.taggerTable(float: f, fixed: f, classNames: ["a", "b"], signalEfficiency: 0.5)
        #expect(table.contains("0.6250±0.1712"), "\(table)")
        #expect(table.contains(String(format: "4.0±%.1f", expected)), "\(table)")
    }
}
