import Foundation
import Testing
import TensorIO
@testable import Datasets

struct TrackQualityGeneratorTests {
    static let sample = TrackQualityGenerator(seed: 5).tracks(count: 4000)

    @Test func sameSeedSameTracksOtherSeedOtherTracks() {
        let a = TrackQualityGenerator(seed: 3).tracks(count: 200)
        let b = TrackQualityGenerator(seed: 3).tracks(count: 200)
        #expect(a.features == b.features && a.labels == b.labels)
        #expect(a.features != TrackQualityGenerator(seed: 4).tracks(count: 200).features)
        let chunk = TrackQualityGenerator(seed: 3).tracks(genuine: false, chunk: 2, count: 50)
        #expect(chunk == TrackQualityGenerator(seed: 3).tracks(genuine: false, chunk: 2, count: 50))
        #expect(chunk != TrackQualityGenerator(seed: 3).tracks(genuine: false, chunk: 3, count: 50))
        #expect(chunk != TrackQualityGenerator(seed: 3).tracks(genuine: true, chunk: 2, count: 50))
    }

    @Test func classesComeInTheAskedSharesShuffled() {
        #expect(Self.sample.labels.filter { $0 == 1 }.count == 2000)
        #expect(Self.sample.labels.allSatisfy { $0 == 0 || $0 == 1 })
        // Shuffled: both classes in the first hundred tracks.
        #expect(Set(Self.sample.labels.prefix(100)) == [0, 1])
        let skewed = TrackQualityGenerator(seed: 5, genuineFraction: 0.3).tracks(count: 1001)
        #expect(skewed.labels.filter { $0 == 1 }.count == 300)
        #expect(GeneratedData.make("track_quality", count: 10, seed: 1)?.labels?.count == 10)
        #expect(GeneratedData.featureCount(of: "track_quality") == 7)
    }

    /// Every value is in its documented range and on the 2^-8 grid, so the
    /// declared input type holds it exactly.
    @Test func valuesAreInRangeAndExactInTheInputType() throws {
        let t = Self.sample.features
        #expect(t.columns == TrackQualityGenerator.featureNames.count)
        for r in 0..<t.rows {
            let row = Array(t[row: r])
            for k in 0..<3 { #expect(row[k] >= 0 && row[k] <= 128 - 0x1p-8) }
            #expect([4.0, 5, 6].contains(row[3]))
            #expect(abs(row[4]) <= 2.4)
            #expect(abs(row[5]) <= 15)
            #expect(row[6] >= 2 && row[6] < 128)
            for v in row { #expect((v * 256).rounded() == v * 256) }
        }
    }

    /// Fakes: larger χ², fewer stubs, z0 spread flat over ±15 cm, softer pT.
    @Test func fakesDifferFromGenuineTracksAsInTheDetector() {
        let t = Self.sample.features, labels = Self.sample.labels
        func column(_ k: Int, _ label: Int) -> [Double] {
            (0..<t.rows).filter { labels[$0] == label }.map { t.values[$0 * t.columns + k] }.sorted()
        }
        func median(_ v: [Double]) -> Double { v[v.count / 2] }
        func rms(_ v: [Double]) -> Double { (v.map { $0 * $0 }.reduce(0, +) / Double(v.count)).squareRoot() }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        for k in 0..<3 { #expect(median(column(k, 0)) > 1.15 * median(column(k, 1)), "\(TrackQualityGenerator.featureNames[k])") }
        #expect(mean(column(3, 0)) < mean(column(3, 1)) - 0.5)
        #expect(rms(column(5, 0)) > 1.4 * rms(column(5, 1)))
        #expect(median(column(6, 0)) < median(column(6, 1)))
        #expect(mean(column(4, 0).map(abs)) > mean(column(4, 1).map(abs)))
    }
}
