import Testing
import Foundation
import TensorIO
@testable import Datasets

struct L1AnomalyGeneratorTests {
    static let background = L1AnomalyGenerator(seed: 7).backgroundMixture(count: 2000)

    @Test func sameSeedSameEventsOtherSeedOtherEvents() {
        let a = L1AnomalyGenerator(seed: 3).events(.zToLL, count: 50)
        #expect(a == L1AnomalyGenerator(seed: 3).events(.zToLL, count: 50))
        #expect(a != L1AnomalyGenerator(seed: 4).events(.zToLL, count: 50))
    }

    @Test func eventsFollowTheL1LayoutGridAndThresholds() {
        let t = Self.background.events
        #expect(t.columns == 57)
        let inputType = 2047.984375
        for r in 0..<t.rows {
            let row = Array(t[row: r])
            #expect(row[1] == 0) // MET eta
            for v in row { #expect(abs(v) <= inputType) }
            var leadingLepton = 0.0
            for object in 0..<19 {
                let pt = row[3 * object], eta = row[3 * object + 1], phi = row[3 * object + 2]
                #expect(pt.truncatingRemainder(dividingBy: 0.5) == 0)
                #expect((eta * 64).rounded() == eta * 64 && (phi * 64).rounded() == phi * 64)
                #expect(abs(phi) <= 3.15)
                if pt == 0 { #expect(eta == 0 && phi == 0) }
                if (1...4).contains(object), pt > 0 { #expect(abs(eta) < 3.01); leadingLepton = max(leadingLepton, pt) }
                if (5...8).contains(object), pt > 0 { #expect(abs(eta) < 2.11); leadingLepton = max(leadingLepton, pt) }
                if object >= 9, pt > 0 { #expect(pt > 14.5 && abs(eta) < 4.01) }
            }
            #expect(leadingLepton > 23)
            // pT-ordered within each type.
            for (first, n) in [(1, 4), (5, 4), (9, 10)] {
                for k in first..<(first + n - 1) { #expect(row[3 * k] >= row[3 * (k + 1)]) }
            }
        }
    }

    @Test func backgroundMixtureHasTheStandardModelFractions() {
        let labels = Self.background.labels
        let w = labels.filter { $0 == 0 }.count, qcd = labels.filter { $0 == 1 }.count, z = labels.filter { $0 == 2 }.count
        #expect(abs(Double(w) / 2000 - 0.59) < 0.01)
        #expect(abs(Double(qcd) / 2000 - 0.34) < 0.01)
        #expect(abs(Double(z) / 2000 - 0.07) < 0.01)
    }

    static func meanLeptons(_ t: EventTable) -> Double {
        var n = 0
        for r in 0..<t.rows { for object in 1...8 where t[row: r][r * 57 + 3 * object] > 0 { n += 1 } }
        return Double(n) / Double(t.rows)
    }

    @Test func signalsDifferFromBackgroundTheWayTheirPhysicsSays() {
        let g = L1AnomalyGenerator(seed: 8)
        // A -> 4 leptons has more leptons than the W-dominated background.
        #expect(Self.meanLeptons(g.events(.aTo4L, count: 300)) > Self.meanLeptons(Self.background.events) + 1)
        // Z -> ll: the two leading same-flavour leptons reconstruct near 91 GeV.
        let z = g.events(.zToLL, count: 400)
        var masses: [Double] = []
        for r in 0..<z.rows {
            let row = Array(z[row: r])
            for first in [1, 5] where row[3 * first] > 0 && row[3 * first + 3] > 0 {
                let a = FourVector(pt: row[3 * first], eta: row[3 * first + 1], phi: row[3 * first + 2])
                let b = FourVector(pt: row[3 * first + 3], eta: row[3 * first + 4], phi: row[3 * first + 5])
                masses.append((a + b).mass)
            }
        }
        let near = masses.filter { abs($0 - 91) < 15 }.count
        #expect(Double(near) / Double(masses.count) > 0.6)
    }
}

struct JetTaggingGeneratorTests {
    static let jets = JetTaggingGenerator(seed: 3).jets(count: 1500, raw: true)

    static func mean(_ feature: String, _ cls: JetTaggingGenerator.JetClass) -> Double {
        let k = JetTaggingGenerator.featureNames.firstIndex(of: feature)!
        let v = (0..<jets.features.rows).filter { jets.labels[$0] == cls.rawValue }.map { jets.features.values[$0 * 16 + k] }
        return v.reduce(0, +) / Double(v.count)
    }

    @Test func deterministicBalancedAndSixteenFeatures() {
        let a = JetTaggingGenerator(seed: 5).jets(count: 100)
        #expect(a.features == JetTaggingGenerator(seed: 5).jets(count: 100).features)
        #expect(a.features.columns == 16)
        #expect((0..<5).allSatisfy { c in a.labels.filter { $0 == c }.count == 20 })
        #expect(a.features.values.allSatisfy { abs($0) <= JetTaggingGenerator.clip })
    }

    @Test func groomedMassSeparatesTopFromWZFromQCD() {
        #expect(Self.mean("mass_mmdt", .top) > 130)
        #expect(abs(Self.mean("mass_mmdt", .w) - 80) < 20)
        #expect(Self.mean("mass_mmdt", .z) > Self.mean("mass_mmdt", .w))
        #expect(Self.mean("mass_mmdt", .quark) < Self.mean("mass_mmdt", .w))
    }

    @Test func gluonJetsHaveMoreConstituentsThanQuarkJets() {
        #expect(Self.mean("multiplicity", .gluon) > Self.mean("multiplicity", .quark) + 5)
    }

    @Test func standardisedFeaturesAreCentred() {
        let t = JetTaggingGenerator(seed: 2).jets(count: 1000).features
        for k in 0..<16 {
            let m = (0..<t.rows).map { t.values[$0 * 16 + k] }.reduce(0, +) / Double(t.rows)
            #expect(abs(m) < 0.3, "feature \(JetTaggingGenerator.featureNames[k]) mean \(m)")
        }
    }
}

struct DataLoaderTests {
    @Test func splitsALabelColumnAndRejectsNonIntegerLabels() throws {
        let t = EventTable([[1, 2, 0], [3, 4, 2]])
        let d = try DataLoader.splitLabelColumn(t, labelColumn: -1, file: "f.csv")
        #expect(d.features == EventTable([[1, 2], [3, 4]]))
        #expect(d.labels == [0, 2])
        #expect(throws: TensorIOError.self) { try DataLoader.splitLabelColumn(EventTable([[1, 0.5], [2, 1]]), labelColumn: 1, file: "f.csv") }
    }

    @Test func readsCSVAndNpyByExtensionAndChecksTheShape() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hepml-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let t = EventTable([[1, 2], [3, 4]])
        let csv = dir.appendingPathComponent("x.csv").path, npy = dir.appendingPathComponent("x.npy").path
        try CSVTable.write(t, to: csv)
        try NPYTable.encode(t).write(to: URL(fileURLWithPath: npy))
        #expect(try DataLoader.table(path: csv) == t)
        #expect(try DataLoader.table(path: npy) == t)
        #expect(throws: TensorIOError.self) { try DataLoader.table(path: npy, expectedColumns: 3) }
        #expect(throws: TensorIOError.self) { try DataLoader.labels(path: csv) }
    }
}
