import Foundation

/// Electric charges of the `jet_constituents` particles: a string-like
/// chain of q q̄ breaks from the charge at the end of each parton's string.
///
/// Charges are counted in thirds of e (u = +2, d = s = b = −1, antiquarks
/// the negatives). Hadron `k` of a parton's chain joins the open end left
/// by hadron `k − 1` with the antiquark (or quark) of a new pair; the new
/// pair's other half becomes the open end. So the hardest hadrons remember
/// the parton's charge, W jets (u d̄: +1) and Z jets (u ū: 0) differ in
/// their summed charge, and gluon jets have none on average: information
/// the 16 high-level features, all built from momenta, do not hold.
public struct ChargeTune: Sendable, Equatable, Codable {
    /// Probability that a string break makes an s s̄ pair (else u ū and d d̄ in equal shares).
    public var strangeness: Double
    /// QCD quark jets: the share of up-type quarks, and of antiquarks (valence quarks dominate at high pT).
    public var upShare: Double, antiquarkShare: Double
    /// Z → q q̄ (not b b̄): the share of up-type pairs.
    public var zUpShare: Double
    /// The chain walks the hadrons in the order of pT × exp(`rankSmearing` · N(0, 1)):
    /// 0 gives the parton's charge to the hardest hadron, larger values dilute it.
    public var rankSmearing: Double
    /// Share of charged particles (±1 in equal shares) in the underlying event.
    public var underlyingEventCharged: Double

    public static let standard = ChargeTune(strangeness: 0.2, upShare: 0.65, antiquarkShare: 0.15,
                                            zUpShare: 0.35, rankSmearing: 0, underlyingEventCharged: 0.6)
}

/// The charge chain of ``ChargeTune``; every draw comes from its own stream,
/// so the momenta of a jet do not depend on its charges.
struct ChargeChain {
    let tune: ChargeTune

    /// A new pair's quark charge in thirds: u (+2) or d, s (−1).
    func pairFlavour(_ rng: inout SeededRandom) -> Int {
        rng.uniform() < tune.strangeness ? -1 : (rng.uniform() < 0.5 ? 2 : -1)
    }

    /// A string end with no charge memory (a gluon's): a random quark or antiquark.
    func randomEnd(_ rng: inout SeededRandom) -> Int {
        let f = pairFlavour(&rng)
        return rng.uniform() < 0.5 ? f : -f
    }

    /// A QCD quark jet's parton.
    func lightQuark(_ rng: inout SeededRandom) -> Int {
        let q = rng.uniform() < tune.upShare ? 2 : -1
        return rng.uniform() < tune.antiquarkShare ? -q : q
    }

    /// Charges (in units of e) of hadrons with momentum fractions `x`, from a string end of charge `end` (thirds).
    func hadronCharges(_ x: [Double], end: Int, rng: inout SeededRandom) -> [Int] {
        let key = x.map { $0 * exp(tune.rankSmearing * rng.normal()) }
        var charges = [Int](repeating: 0, count: x.count)
        var open = end
        for i in x.indices.sorted(by: { key[$0] > key[$1] }) {
            let f = pairFlavour(&rng)
            // A quark end (u +2, d −1) takes the new antiquark; an antiquark end the new quark.
            let isQuark = open == 2 || open == -1
            charges[i] = (isQuark ? open - f : open + f) / 3
            open = isQuark ? f : -f
        }
        return charges
    }

    /// An underlying-event particle's charge.
    func underlyingEventCharge(_ rng: inout SeededRandom) -> Int {
        guard rng.uniform() < tune.underlyingEventCharged else { return 0 }
        return rng.uniform() < 0.5 ? 1 : -1
    }
}
