import Foundation
import TensorIO

/// Boosted jets of the five classes (g, q, W, Z, t; pT ≈ 1 TeV, R = 0.8)
/// seen two ways from the same events: the leading constituents as a
/// `[16, 4]` tensor for particle-based models (deep sets, interaction
/// networks), and the 16 high-level features of the hls4ml data set
/// (``JetFeatures`` on all of the jet's constituents) for an MLP, so that
/// the two kinds of tagger are compared on the same jets.
///
/// The shower is ``ConstituentShower`` with a ``ShowerTune`` tuned so that
/// the separations are near the published ones (docs/datasets.md). The
/// particles' charges (``ChargeChain``) come from a random stream of their
/// own, forked from the seed: the momenta, and so the high-level features,
/// are those the generator made before it had charges.
public struct JetConstituentGenerator: Sendable {
    public typealias JetClass = JetTaggingGenerator.JetClass

    /// Constituents kept per jet, the hardest first; fewer are zero-padded.
    public static let maxConstituents = 16
    /// Per constituent: pT fraction, Δη, Δφ, electric charge.
    public static let valuesPerConstituent = 4
    public static let constituentNames = ["pt_fraction", "deta", "dphi", "charge"]
    /// The tensor shape of one event, `[16, 4]`.
    public static let shape = [maxConstituents, valuesPerConstituent]
    /// Every tensor value is a multiple of this step (2⁻¹²)...
    public static let step = 0x1p-12
    /// ...and lies in [-1, 1]: this type holds each one exactly.
    public static let inputType = "ap_fixed<16,4,AP_RND,AP_SAT>"

    /// One jet: its class and its constituents relative to the jet axis,
    /// hardest first (all of them, not only the leading 16).
    public struct Jet: Sendable {
        public var jetClass: JetClass
        /// pT (GeV), η and φ relative to the axis (the sum of the constituents), charge (−1, 0, +1).
        public var particles: [(pt: Double, deta: Double, dphi: Double, charge: Int)]
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
        var flavour = rng.fork(Self.chargeStream)
        var jets: [Jet] = []
        jets.reserveCapacity(count)
        for i in 0..<count { jets.append(jet(JetClass(rawValue: i % 5)!, rng: &rng, flavour: &flavour)) }
        var order = Array(0..<count)
        rng.shuffle(&order)
        return order.map { jets[$0] }
    }

    /// The salt of the charges' stream (``SeededRandom/fork(_:)``).
    static let chargeStream: UInt64 = 0xC4A7_6E51

    /// The constituent view: one row of 16 × 4 values per jet (C order,
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

    /// The `[16, 4]` tensor of a jet: pT / pT_jet, Δη, Δφ of the leading
    /// constituents on the 2⁻¹² grid and their charge, zero rows after the last one. A kept
    /// particle's pT fraction is at least one step, so no real constituent
    /// looks like padding.
    public static func tensor(_ jet: Jet) -> [Double] {
        let ptJet = jet.particles.reduce(0) { $0 + $1.pt }
        var out = [Double](repeating: 0, count: maxConstituents * valuesPerConstituent)
        let k = valuesPerConstituent
        for (i, p) in jet.particles.prefix(maxConstituents).enumerated() {
            out[k * i] = max(step, onGrid(p.pt / ptJet))
            out[k * i + 1] = onGrid(p.deta)
            out[k * i + 2] = onGrid(p.dphi)
            out[k * i + 3] = Double(p.charge)
        }
        return out
    }

    static func onGrid(_ v: Double) -> Double {
        min(1, max(-1, (v / step).rounded() * step))
    }

    /// One jet of class `cls`: the decay's prongs (or one parton for QCD),
    /// showered, the underlying event, the detector, then the R = 0.8 cone.
    /// Charges (thirds of e): W⁺ → u d̄, Z → q q̄, t → b W⁺ and their
    /// conjugates in equal shares; QCD quarks from ``ChargeTune``.
    func jet(_ cls: JetClass, rng: inout SeededRandom, flavour: inout SeededRandom) -> Jet {
        let shower = ConstituentShower(tune: tune)
        let chain = shower.chain
        let pt = max(600, rng.normal(mean: 1000, sigma: 90))
        var particles: [JetShower.Particle] = []
        let sign = flavour.uniform() < 0.5 ? 1 : -1
        switch cls {
        case .gluon:
            shower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .gluon, charge: chain.randomEnd(&flavour),
                          splitProbability: tune.gluonSplit, rng: &rng, flavour: &flavour, into: &particles)
        case .quark:
            shower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .quark, charge: chain.lightQuark(&flavour),
                          splitProbability: tune.quarkSplit, rng: &rng, flavour: &flavour, into: &particles)
        case .w, .z:
            let mass = cls == .w ? rng.breitWigner(mass: 80.4, width: 2.1) : rng.breitWigner(mass: 91.19, width: 2.5)
            let (a, b) = rng.twoBodyDecay(FourVector(pt: pt, eta: 0, phi: 0, mass: mass), m1: 0, m2: 0)
            let parton: JetShower.Parton = (cls == .z && rng.uniform() < 0.15) ? .bottom : .quark
            // W⁺: u (+2) and d̄ (+1); Z: a quark and its antiquark.
            let q = parton == .bottom || flavour.uniform() >= tune.charge.zUpShare ? -1 : 2
            let charges = cls == .w ? (2 * sign, sign) : (q * sign, -q * sign)
            shower.shower(a, parton: parton, charge: charges.0, splitProbability: tune.decaySplit, rng: &rng, flavour: &flavour, into: &particles)
            shower.shower(b, parton: parton, charge: charges.1, splitProbability: tune.decaySplit, rng: &rng, flavour: &flavour, into: &particles)
        case .top:
            let parent = FourVector(pt: pt, eta: 0, phi: 0, mass: rng.breitWigner(mass: 172.5, width: 1.4))
            let (b, w) = rng.twoBodyDecay(parent, m1: 4.8, m2: rng.breitWigner(mass: 80.4, width: 2.1))
            let (q1, q2) = rng.twoBodyDecay(w, m1: 0, m2: 0)
            // t → b (−1) W⁺ (u +2, d̄ +1).
            shower.shower(b, parton: .bottom, charge: -sign, splitProbability: tune.topBottomSplit, rng: &rng, flavour: &flavour, into: &particles)
            shower.shower(q1, parton: .quark, charge: 2 * sign, splitProbability: tune.decaySplit, rng: &rng, flavour: &flavour, into: &particles)
            shower.shower(q2, parton: .quark, charge: sign, splitProbability: tune.decaySplit, rng: &rng, flavour: &flavour, into: &particles)
        }
        shower.underlyingEvent(rng: &rng, flavour: &flavour, into: &particles)
        shower.measure(&particles, rng: &rng)
        particles.removeAll { $0.pt < tune.candidateThreshold }
        let seedAxis = particles.reduce(FourVector.zero) { $0 + $1.vector }
        var inJet = particles.filter {
            let de = $0.eta - seedAxis.eta, dp = wrapPhi($0.phi - seedAxis.phi)
            return de * de + dp * dp < 0.64
        }
        if inJet.isEmpty { inJet = [JetShower.Particle(pt: pt, eta: 0, phi: 0)] }
        // Only when capped: re-summing in pT order would move the uncapped axis by rounding.
        if let cap = tune.maxCandidates { inJet = Array(inJet.sorted { $0.pt > $1.pt }.prefix(max(1, cap))) }
        let axis = inJet.reduce(FourVector.zero) { $0 + $1.vector }
        let sorted = inJet.sorted { $0.pt > $1.pt }
        return Jet(jetClass: cls, particles: sorted.map { ($0.pt, $0.eta - axis.eta, wrapPhi($0.phi - axis.phi), $0.charge) })
    }
}
