import Foundation
import Testing
import TensorIO
@testable import Datasets

/// An order-sensitive checksum of a table's values (FNV-1a over the bit patterns).
func checksum(_ t: EventTable) -> UInt64 {
    t.values.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ $1.bitPattern) &* 0x100_0000_01B3 }
}

struct JetConstituentGeneratorTests {
    static let generator = JetConstituentGenerator(seed: 4)
    static let jets = generator.jets(count: 500)

    @Test func sameSeedSameJetsOtherSeedOtherJets() {
        let a = JetConstituentGenerator(seed: 9).constituents(count: 40)
        let b = JetConstituentGenerator(seed: 9).constituents(count: 40)
        #expect(checksum(a.features) == checksum(b.features))
        #expect(a.labels == b.labels)
        #expect(checksum(a.features) != checksum(JetConstituentGenerator(seed: 10).constituents(count: 40).features))
    }

    @Test func tensorIsPtOrderedZeroPaddedAndOnTheInputGrid() {
        let t = Self.generator.constituents(count: 200)
        #expect(t.features.columns == 64 && t.features.rows == 200)
        #expect((0..<5).allSatisfy { c in t.labels.filter { $0 == c }.count == 40 })
        let step = JetConstituentGenerator.step
        for r in 0..<t.features.rows {
            let row = Array(t.features[row: r])
            for v in row { #expect(abs(v) <= 1 && (v / step).rounded() == v / step) }
            var previous = 2.0, padded = false, sum = 0.0
            for i in 0..<16 {
                let z = row[4 * i]
                if padded { #expect(row[(4 * i)..<(4 * i + 4)].allSatisfy { $0 == 0 }) }
                if z == 0 { padded = true; continue }
                #expect(z >= step && z <= previous)
                previous = z
                sum += z
                // Constituents lie inside the R = 0.8 cone around the axis.
                #expect(row[4 * i + 1] * row[4 * i + 1] + row[4 * i + 2] * row[4 * i + 2] < 0.9)
                #expect([-1, 0, 1].contains(row[4 * i + 3]))
            }
            #expect(sum <= 1 + 16 * step)
        }
    }

    /// The flat view is JetFeatures on the same jets' constituents, in the
    /// same order, and the tensor is their leading 16.
    @Test func bothViewsComeFromTheSameJets() {
        let n = 60
        let jets = Self.generator.jets(count: n)
        let raw = Self.generator.highLevelFeatures(count: n, raw: true)
        let std = Self.generator.highLevelFeatures(count: n)
        let tensor = Self.generator.constituents(count: n)
        #expect(raw.labels == jets.map(\.jetClass.rawValue) && tensor.labels == raw.labels)
        for (i, jet) in jets.enumerated() {
            let particles = jet.particles.map { JetShower.Particle(pt: $0.pt, eta: $0.deta, phi: $0.dphi) }
            let expected = JetFeatures.compute(particles)
            #expect(Array(raw.features[row: i]) == expected)
            #expect(Array(std.features[row: i]) == JetTaggingGenerator.standardise(expected))
            #expect(expected[15] == Double(jet.particles.count))
            let row = Array(tensor.features[row: i])
            let kept = min(16, jet.particles.count)
            #expect(row[4 * (kept - 1)] > 0 && (kept == 16 || row[4 * kept] == 0))
            let ptJet = jet.particles.reduce(0) { $0 + $1.pt }
            #expect(abs(row[0] - jet.particles[0].pt / ptJet) <= JetConstituentGenerator.step / 2)
            #expect((0..<kept).allSatisfy { row[4 * $0 + 3] == Double(jet.particles[$0].charge) })
        }
    }

    /// An L1 candidate tune (5 GeV threshold, 16 candidates): the jet is
    /// its 16 hardest candidates above threshold, so the features summarise
    /// exactly the particles in the tensor, and the uncapped jets of the
    /// same seed are a superset of them.
    @Test func candidateCapMakesTheFeaturesSummariseTheSixteen() {
        var tune = ShowerTune.standard
        tune.candidateThreshold = 5
        tune.maxCandidates = 16
        let capped = JetConstituentGenerator(seed: 3, tune: tune)
        let jets = capped.jets(count: 40)
        let features = capped.highLevelFeatures(count: 40, raw: true)
        let tensor = capped.constituents(count: 40)
        var full = 0
        for (i, jet) in jets.enumerated() {
            #expect(jet.particles.count <= 16 && jet.particles.allSatisfy { $0.pt >= 5 })
            let n = jet.particles.count
            #expect(Array(features.features[row: i])[15] == Double(n))
            let row = Array(tensor.features[row: i])
            #expect(row[4 * (n - 1)] > 0 && (n == 16 || row[4 * n] == 0))
            full += n == 16 ? 1 : 0
        }
        #expect(full > 10, "at 5 GeV most 1 TeV jets fill the 16")
        var loose = tune
        loose.maxCandidates = nil
        let uncapped = JetConstituentGenerator(seed: 3, tune: loose).jets(count: 40)
        #expect(zip(jets, uncapped).allSatisfy { a, b in
            a.jetClass == b.jetClass && a.particles.count == min(16, b.particles.count)
                && zip(a.particles, b.particles).allSatisfy { $0.pt == $1.pt && $0.charge == $1.charge }
        })
    }

    static func meanRaw(_ feature: String, _ cls: JetTaggingGenerator.JetClass) -> Double {
        let k = JetTaggingGenerator.featureNames.firstIndex(of: feature)!
        let v = jets.filter { $0.jetClass == cls }.map { JetConstituentGenerator.features($0)[k] }
        return v.reduce(0, +) / Double(v.count)
    }

    @Test func groomedMassPeaksAtTheDecayingParticle() {
        let top = Self.meanRaw("mass_mmdt", .top), w = Self.meanRaw("mass_mmdt", .w), z = Self.meanRaw("mass_mmdt", .z)
        #expect(top > 130 && top < 185, "top \(top)")
        #expect(abs(w - 80) < 15, "W \(w)")
        #expect(z > w + 3, "Z \(z), W \(w)")
        // QCD jets' groomed mass is broad (mean ≈ 55 GeV for quarks here), below the W peak.
        #expect(Self.meanRaw("mass_mmdt", .quark) < w - 12)
        #expect(Self.meanRaw("mass_mmdt", .gluon) < w - 10)
    }

    /// The charges have a random stream of their own: another charge tune
    /// changes charges only, never a momentum (so the high-level features
    /// are those of the generator before it had charges).
    @Test func chargesDoNotMoveTheMomenta() {
        var tune = ShowerTune.standard
        tune.charge.rankSmearing = 3
        tune.charge.strangeness = 0.6
        let a = JetConstituentGenerator(seed: 4).jets(count: 100)
        let b = JetConstituentGenerator(seed: 4, tune: tune).jets(count: 100)
        #expect(zip(a, b).allSatisfy { x, y in
            x.jetClass == y.jetClass && x.particles.count == y.particles.count
                && zip(x.particles, y.particles).allSatisfy { $0.pt == $1.pt && $0.deta == $1.deta && $0.dphi == $1.dphi }
        })
        #expect(zip(a, b).contains { x, y in !x.particles.map(\.charge).elementsEqual(y.particles.map(\.charge)) })
    }

    /// The pT-weighted jet charge Σ q z^½ of a class, its mean magnitude.
    static func meanJetCharge(_ cls: JetTaggingGenerator.JetClass) -> Double {
        let q = jets.filter { $0.jetClass == cls }.map { jet in
            let pt = jet.particles.reduce(0) { $0 + $1.pt }
            return abs(jet.particles.reduce(0) { $0 + Double($1.charge) * ($1.pt / pt).squareRoot() })
        }
        return q.reduce(0, +) / Double(q.count)
    }

    /// W⁺ → u d̄ carries a unit of charge, Z → q q̄ none; a quark jet keeps
    /// some of its quark's charge, a gluon jet has none to keep.
    @Test func wJetsAreChargedZJetsNeutral() {
        let w = Self.meanJetCharge(.w), z = Self.meanJetCharge(.z)
        let q = Self.meanJetCharge(.quark), g = Self.meanJetCharge(.gluon)
        #expect(w > z + 0.1, "W \(w), Z \(z)")
        #expect(q > g, "q \(q), g \(g)")
        // Roughly 55–70% of the particles are charged, as in real jets.
        let all = Self.jets.flatMap(\.particles)
        let charged = Double(all.filter { $0.charge != 0 }.count) / Double(all.count)
        #expect(charged > 0.45 && charged < 0.75, "charged share \(charged)")
    }

    @Test func gluonJetsAreBroaderAndRicherThanQuarkJets() {
        #expect(Self.meanRaw("multiplicity", .gluon) > Self.meanRaw("multiplicity", .quark) + 2)
        #expect(Self.meanRaw("c1_b1", .gluon) > Self.meanRaw("c1_b1", .quark))
    }
}

struct CaloRegionGeneratorTests {
    typealias G = CaloRegionGenerator

    @Test func sameSeedSameEventsAndChunksAreIndependentStreams() {
        let a = G(seed: 3).events(.zeroBias, count: 30)
        #expect(checksum(a) == checksum(G(seed: 3).events(.zeroBias, count: 30)))
        #expect(checksum(a) != checksum(G(seed: 4).events(.zeroBias, count: 30)))
        let c1 = G(seed: 3).events(.dijet, chunk: 1, count: 10)
        #expect(checksum(c1) == checksum(G(seed: 3).events(.dijet, chunk: 1, count: 10)))
        #expect(checksum(c1) != checksum(G(seed: 3).events(.dijet, chunk: 2, count: 10)))
    }

    @Test func readoutTruncatesToTheLSBAndSaturatesAtTenBits() {
        #expect(G.counts(0.49) == 0 && G.counts(0.5) == 1 && G.counts(1.74) == 3 && G.counts(-2) == 0)
        #expect(G.counts(511.5) == 1023 && G.counts(600) == 1023)
        let m = G(seed: 1).mixture(count: 80)
        #expect(m.events.columns == 18 * 14)
        #expect(m.events.values.allSatisfy { $0 >= 0 && $0 <= 1023 && $0 == $0.rounded() })
        #expect((0..<4).allSatisfy { c in m.labels.filter { $0 == c }.count == 20 })
    }

    @Test func regionGeometryWrapsInPhiAndEndsAtEtaThree() {
        #expect(G.etaColumn(0.1) == 7 && G.etaColumn(-0.1) == 6)
        #expect(G.etaColumn(1.8) == 12 && G.etaColumn(2.9) == 13 && G.etaColumn(-2.9) == 0)
        #expect(G.etaColumn(3.1) == nil)
        #expect(G.phiRow(0.01) == 0 && G.phiRow(-0.01) == 17 && G.phiRow(2 * .pi + 0.01) == 0)
        // A shower centred on the φ = 0 edge splits evenly between the first and last rows.
        var grid = RegionGrid()
        grid.depositShower(100, eta: 0.5, phi: 0, sigma: 0.1)
        let total = grid.et.reduce(0, +)
        #expect(abs(total - 100) < 1e-6)
        let row0 = grid.et[0..<14].reduce(0, +), row17 = grid.et[(17 * 14)..<(18 * 14)].reduce(0, +)
        #expect(abs(row0 - row17) < 1e-6 && row0 > 40)
    }

    static func sumEt(_ t: EventTable) -> [Double] {
        (0..<t.rows).map { t[row: $0].reduce(0, +) * G.lsb }
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

    /// Figures measured on 2,000 events of seed 1 (docs/datasets.md); 300 events here.
    @Test func zeroBiasOccupancyAndSignalsAboveIt() {
        let g = G(seed: 2)
        let zb = g.events(.zeroBias, count: 300)
        let occupancy = Double(zb.values.filter { $0 > 0 }.count) / Double(zb.values.count)
        #expect(occupancy > 0.75 && occupancy < 0.9, "occupancy \(occupancy)")
        let zbSum = Self.mean(Self.sumEt(zb))
        #expect(zbSum > 370 && zbSum < 470, "zero-bias sum E_T \(zbSum)")
        // The forward regions collect more pile-up than the central ones.
        let column = { (k: Int) in Self.mean((0..<zb.rows).flatMap { r in (0..<18).map { zb.values[r * 252 + $0 * 14 + k] } }) }
        #expect(column(0) > 1.8 * column(7))
        let suep = g.events(.suep, count: 150), dijet = g.events(.dijet, count: 150), llp = g.events(.llp, count: 150)
        #expect(Self.mean(Self.sumEt(suep)) > zbSum + 120)
        #expect(Self.mean(Self.sumEt(dijet)) > zbSum + 110)
        let hottest = { (t: EventTable) in Self.mean((0..<t.rows).map { t[row: $0].max()! * G.lsb }) }
        #expect(hottest(dijet) > 35 && hottest(zb) < 15)
        #expect(hottest(llp) > hottest(zb) + 6)
    }
}
