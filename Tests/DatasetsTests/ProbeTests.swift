import Testing
import Foundation
@testable import Datasets

@Test func probeJetStatistics() throws {
    guard ProcessInfo.processInfo.environment["HEPML_PROBE"] != nil else { return }
    let t0 = Date()
    let (raw, labels) = JetTaggingGenerator(seed: 1).jets(count: 5000, raw: true)
    print("time", Date().timeIntervalSince(t0))
    for k in 0..<16 {
        var line = JetTaggingGenerator.featureNames[k].padding(toLength: 12, withPad: " ", startingAt: 0)
        var all: [Double] = []
        for c in 0..<5 {
            let v = (0..<raw.rows).filter { labels[$0] == c }.map { raw.values[$0 * 16 + k] }
            let m = v.reduce(0, +) / Double(v.count)
            let s = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
            line += String(format: " %9.4g±%-9.3g", m, s)
            all += v
        }
        let m = all.reduce(0, +) / Double(all.count)
        let s = (all.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(all.count)).squareRoot()
        line += String(format: " | all %9.4g±%-9.3g max %g", m, s, all.max()!)
        print(line)
    }
}
