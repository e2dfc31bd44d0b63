import Foundation
import TensorIO

/// Boosted jets of the five classes (g, q, W, Z, t; pT ≈ 1 TeV, R = 0.8)
/// seen two ways from the same events: the leading constituents as a
/// `[16, 3]` tensor for particle-based models (deep sets, interaction
/// networks), and the 16 high-level features of the hls4ml data set
/// (``JetFeatures`` on all of the jet's constituents) for an MLP, so that
/// the two kinds of tagger are compared on the same jets.
///
/// The shower is ``ConstituentShower`` with a ``ShowerTune`` tuned so that
/// the separations are near the published ones (docs/datasets.md).
public struct JetConstituentGenerator: Sendable {
    public typealias JetClass = JetTaggingGenerator.JetClass

    /// Constituents kept per jet, the hardest first; fewer are zero-padded.
    public static let maxConstituents = 16
    /// Per constituent: pT fraction, Δη, Δφ.
    public static let valuesPerConstituent = 3
    public static let constituentNames = ["pt_fraction", "deta", "dphi"]
    /// The tensor shape of one event, `[16, 3]`.
    public static let shape = [maxConstituents, valuesPerConstituent]
    /// Every tensor value is a multiple of this step (2⁻¹²)...
    public static let step = 0x1p-12
    /// ...and lies in [-1, 1]: this type holds each one exactly.
    public static let inputType = "ap_fixed<16,4,AP_RND,AP_SAT>"

    /// One jet: its class and its constituents relative to the jet axis,
    /// hardest first (all of them, not only the leading 16).
    public struct Jet: Sendable {
        public var jetClass: JetClass
        /// pT (GeV), η and φ relative to the axis (the sum of the constituents).
        public var particles: [(pt: Double, deta: Double, dphi: Double)]
    }

    public var seed: UInt64
    public var tune: ShowerTune

    public init(seed: UInt64, tune: ShowerTune = .standard) {
        self.seed = seed
        self.tune = tune
    }

    /// `count` jets, classes in equal shares, in a shuffled order.
    public func jets(count: Int) -> [Jet] {
        var rng = SeededRandom(seed: seed)
        var jets: [Jet] = []
        jets.reserveCapacity(count)
        for i in 0..<count { jets.append(jet(JetClass(rawValue: i % 5)!, rng: &rng)) }
        var order = Array(0..<count)
        rng.shuffle(&order)
        return order.map { jets[$0] }
    }

    /// The constituent view: one row of 16 × 3 values per jet (C order,
    /// constituent-major), labels the class index.
    public func constituents(count: Int) -> (features: EventTable, labels: [Int]) {
        let j = jets(count: count)
        return (EventTable(rows: j.count, columns: Self.shape.reduce(1, *), values: j.flatMap(Self.tensor)), j.map(\.jetClass.rawValue))
    }

    /// The high-level view of the same jets: the 16 features of
    /// ``JetTaggingGenerator/featureNames``, standardised with
    /// ``JetTaggingGenerator/standardisation`` (the units of the shipped
    /// tagger) unless `raw`.
    public func highLevelFeatures(count: Int, raw: Bool = false) -> (features: EventTable, labels: [Int]) {
        let j = jets(count: count)
        let rows = j.map { jet in
            let f = Self.features(jet)
            return raw ? f : JetTaggingGenerator.standardise(f)
        }
        return (EventTable(rows: j.count, columns: JetTaggingGenerator.featureNames.count, values: rows.flatMap { $0 }), j.map(\.jetClass.rawValue))
    }

    /// The 16 raw high-level features of a jet, from all of its constituents.
    public static func features(_ jet: Jet) -> [Double] {
        JetFeatures.compute(jet.particles.map { JetShower.Particle(pt: $0.pt, eta: $0.deta, phi: $0.dphi) })
    }

    /// The `[16, 3]` tensor of a jet: pT / pT_jet, Δη, Δφ of the leading
    /// constituents on the 2⁻¹² grid, zero rows after the last one. A kept
    /// particle's pT fraction is at least one step, so no real constituent
    /// looks like padding.
    public static func tensor(_ jet: Jet) -> [Double] {
        let ptJet = jet.particles.reduce(0) { $0 + $1.pt }
        var out = [Double](repeating: 0, count: maxConstituents * valuesPerConstituent)
        for (i, p) in jet.particles.prefix(maxConstituents).enumerated() {
            out[3 * i] = max(step, onGrid(p.pt / ptJet))
            out[3 * i + 1] = onGrid(p.deta)
            out[3 * i + 2] = onGrid(p.dphi)
        }
        return out
    }

    static func onGrid(_ v: Double) -> Double {
        min(1, max(-1, (v / step).rounded() * step))
    }

    /// One jet of class `cls`: the decay's prongs (or one parton for QCD),
    /// showered, the underlying event, the detector, then the R = 0.8 cone.
    func jet(_ cls: JetClass, rng: inout SeededRandom) -> Jet {
        let shower = ConstituentShower(tune: tune)
        let pt = max(600, rng.normal(mean: 1000, sigma: 90))
        var particles: [JetShower.Particle] = []
        switch cls {
        case .gluon:
            shower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .gluon, splitProbability: tune.gluonSplit, rng: &rng, into: &particles)
        case .quark:
            shower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .quark, splitProbability: tune.quarkSplit, rng: &rng, into: &particles)
        case .w, .z:
            let mass = cls == .w ? rng.breitWigner(mass: 80.4, width: 2.1) : rng.breitWigner(mass: 91.19, width: 2.5)
            let (a, b) = rng.twoBodyDecay(FourVector(pt: pt, eta: 0, phi: 0, mass: mass), m1: 0, m2: 0)
            let parton: JetShower.Parton = (cls == .z && rng.uniform() < 0.15) ? .bottom : .quark
            for prong in [a, b] { shower.shower(prong, parton: parton, splitProbability: tune.decaySplit, rng: &rng, into: &particles) }
        case .top:
            let parent = FourVector(pt: pt, eta: 0, phi: 0, mass: rng.breitWigner(mass: 172.5, width: 1.4))
            let (b, w) = rng.twoBodyDecay(parent, m1: 4.8, m2: rng.breitWigner(mass: 80.4, width: 2.1))
            let (q1, q2) = rng.twoBodyDecay(w, m1: 0, m2: 0)
            shower.shower(b, parton: .bottom, splitProbability: tune.topBottomSplit, rng: &rng, into: &particles)
            for q in [q1, q2] { shower.shower(q, parton: .quark, splitProbability: tune.decaySplit, rng: &rng, into: &particles) }
        }
        shower.underlyingEvent(rng: &rng, into: &particles)
        shower.measure(&particles, rng: &rng)
        particles.removeAll { $0.pt < 0.5 }
        let seedAxis = particles.reduce(FourVector.zero) { $0 + $1.vector }
        var inJet = particles.filter {
            let de = $0.eta - seedAxis.eta, dp = wrapPhi($0.phi - seedAxis.phi)
            return de * de + dp * dp < 0.64
        }
        if inJet.isEmpty { inJet = [JetShower.Particle(pt: pt, eta: 0, phi: 0)] }
        let axis = inJet.reduce(FourVector.zero) { $0 + $1.vector }
        let sorted = inJet.sorted { $0.pt > $1.pt }
        return Jet(jetClass: cls, particles: sorted.map { ($0.pt, $0.eta - axis.eta, wrapPhi($0.phi - axis.phi)) })
    }
}
