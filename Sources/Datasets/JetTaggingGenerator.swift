import Foundation
import TensorIO

/// Boosted jets (pT ≈ 1 TeV, R = 0.8) of five classes with the 16 inputs of
/// the hls4ml jet-tagging data set, computed from toy-shower constituents.
///
/// The features are delivered standardised with fixed constants (see
/// ``standardisation``), as the hls4ml data set is used in practice: each
/// column has mean ≈ 0 and width ≈ 1 over a class-balanced sample, and is
/// clipped to ±``clip`` so that `ap_fixed<16,6>` holds every value.
public struct JetTaggingGenerator: Sendable {
    public enum JetClass: Int, CaseIterable, Sendable {
        case gluon = 0, quark, w, z, top
        public var name: String { ["g", "q", "w", "z", "t"][rawValue] }
    }

    public static let featureNames = [
        "zlogz", "c1_b0", "c1_b1", "c1_b2", "c2_b1", "c2_b2", "d2_b1", "d2_b2", "d2_a1_b1", "d2_a1_b2",
        "m2_b1", "m2_b2", "n2_b1", "n2_b2", "mass_mmdt", "multiplicity",
    ]
    public static let classNames = JetClass.allCases.map(\.name)
    /// Standardised values are clipped to this magnitude.
    public static let clip = 24.0

    /// Per-feature (mean, standard deviation) of the raw features over a
    /// class-balanced sample of 50,000 jets (seed 1), fixed so that the
    /// units do not depend on the sample a user generates.
    public static let standardisation: [(mean: Double, sigma: Double)] = [
        (-2.7849, 0.4106), (0.4553, 0.02273), (0.056067, 0.03197), (0.019015, 0.0171),
        (0.10057, 0.06745), (0.081679, 0.09776), (3.0483, 4.082), (10.4, 20.71),
        (3.0483, 4.082), (0.12353, 0.05975), (0.063506, 0.02069), (0.014772, 0.01044),
        (0.23754, 0.09427), (0.13011, 0.1005), (83.288, 68.36), (35.106, 9.486),
    ]

    public var seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// `count` jets, classes in equal shares, shuffled. Columns are the 16
    /// features (standardised unless `raw`); `labels[i]` is the class index.
    public func jets(count: Int, raw: Bool = false) -> (features: EventTable, labels: [Int]) {
        var rng = SeededRandom(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(count * 16)
        var labels: [Int] = []
        for i in 0..<count {
            let cls = JetClass(rawValue: i % 5)!
            var f = Self.rawFeatures(cls, rng: &rng)
            if !raw { f = Self.standardise(f) }
            values += f
            labels.append(cls.rawValue)
        }
        // Shuffle event order (rows) with the same permutation for labels.
        var order = Array(0..<count)
        rng.shuffle(&order)
        var shuffled = [Double](repeating: 0, count: values.count)
        for (dst, src) in order.enumerated() {
            for k in 0..<16 { shuffled[dst * 16 + k] = values[src * 16 + k] }
        }
        return (EventTable(rows: count, columns: 16, values: shuffled), order.map { labels[$0] })
    }

    /// Maps raw features to the standardised, clipped units.
    public static func standardise(_ raw: [Double]) -> [Double] {
        raw.enumerated().map { k, v in
            let s = standardisation[k]
            return min(clip, max(-clip, (v - s.mean) / s.sigma))
        }
    }

    /// One jet of class `cls`: prongs from the decay (or one parton for
    /// QCD), showered, plus underlying event; features of the constituents.
    static func rawFeatures(_ cls: JetClass, rng: inout SeededRandom) -> [Double] {
        let pt = max(600, rng.normal(mean: 1000, sigma: 90))
        var particles: [JetShower.Particle] = []
        switch cls {
        case .gluon:
            JetShower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .gluon, splitProbability: 0.75, rng: &rng, into: &particles)
        case .quark:
            JetShower.shower(FourVector(pt: pt, eta: 0, phi: 0), parton: .quark, splitProbability: 0.5, rng: &rng, into: &particles)
        case .w, .z:
            let mass = cls == .w ? rng.breitWigner(mass: 80.4, width: 2.1) : rng.breitWigner(mass: 91.19, width: 2.5)
            let parent = FourVector(pt: pt, eta: 0, phi: 0, mass: mass)
            let (a, b) = rng.twoBodyDecay(parent, m1: 0, m2: 0)
            // Z decays to b quarks 15% of the time (W to c s is light-quark like here).
            let parton: JetShower.Parton = (cls == .z && rng.uniform() < 0.15) ? .bottom : .quark
            for prong in [a, b] {
                JetShower.shower(prong, parton: parton, splitProbability: 0.15, rng: &rng, into: &particles)
            }
        case .top:
            let parent = FourVector(pt: pt, eta: 0, phi: 0, mass: rng.breitWigner(mass: 172.5, width: 1.4))
            let (b, w) = rng.twoBodyDecay(parent, m1: 4.8, m2: rng.breitWigner(mass: 80.4, width: 2.1))
            let (q1, q2) = rng.twoBodyDecay(w, m1: 0, m2: 0)
            JetShower.shower(b, parton: .bottom, splitProbability: 0.2, rng: &rng, into: &particles)
            for q in [q1, q2] { JetShower.shower(q, parton: .quark, splitProbability: 0.15, rng: &rng, into: &particles) }
        }
        JetShower.underlyingEvent(rng: &rng, into: &particles)
        // Detector: particles below 0.5 GeV are lost; the jet keeps what lies
        // within R = 0.8 of its axis.
        particles.removeAll { $0.pt < 0.5 }
        let axis = particles.reduce(FourVector.zero) { $0 + $1.vector }
        let (ae, ap) = (axis.eta, axis.phi)
        var inJet = particles.filter {
            let de = $0.eta - ae, dp = wrapPhi($0.phi - ap)
            return de * de + dp * dp < 0.64
        }
        if inJet.isEmpty { inJet = [JetShower.Particle(pt: pt, eta: 0, phi: 0)] }
        return JetFeatures.compute(inJet)
    }
}
