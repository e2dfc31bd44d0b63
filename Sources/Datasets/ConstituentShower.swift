import Foundation

/// The parton shower of the `jet_constituents` generator: the same toy as
/// ``JetShower`` (one collinear/soft splitting, then hadronisation into
/// particles spread around the parton), with every constant a field, so
/// that the quark/gluon and prong-structure overlap can be tuned to the
/// published separations (docs/datasets.md). ``JetShower`` itself stays as
/// it is: the `jet_tagging` events and the shipped tagger depend on it.
public struct ShowerTune: Sendable, Equatable, Codable {
    /// Hadronisation of one kind of parton.
    public struct Fragmentation: Sendable, Equatable, Codable {
        /// Mean multiplicity at 100 GeV; it grows as E^``ShowerTune/multiplicityExponent``.
        public var multiplicity: Double
        /// Momentum fractions are drawn as u^hardness (then normalised): a
        /// larger exponent gives a harder leading particle.
        public var hardness: Double
        /// Angular spread (radians) of a particle of average momentum share in a 1 TeV parton.
        public var width: Double
    }

    public var quark: Fragmentation
    public var gluon: Fragmentation
    public var bottom: Fragmentation
    public var multiplicityExponent: Double
    /// Probability of one hard splitting: QCD gluon and quark jets, the
    /// quarks of W/Z/top decays (colour singlets radiate less), the b of a top.
    public var gluonSplit: Double, quarkSplit: Double, decaySplit: Double, topBottomSplit: Double
    /// Splitting phase space: z and the angle are log-uniform in these ranges.
    public var splitZ: ClosedRange<Double>, splitAngle: ClosedRange<Double>
    /// Mean number of soft underlying-event and pile-up particles in the cone, and their mean pT above 0.3 GeV.
    public var underlyingEvent: Double, underlyingEventPt: Double
    /// Detector: relative pT resolution of a particle (stochastic term, GeV^½) and angular smearing (radians).
    public var ptResolution: Double, angularResolution: Double
    /// Reconstruction: particles below this pT (GeV) are not seen. An L1
    /// tune (PF/PUPPI candidates) sets a few GeV; the shipped tune 0.5.
    public var candidateThreshold: Double
    /// At most this many candidates, the hardest, make the jet (axis,
    /// features and tensor), as an L1 jet keeps a fixed number; nil keeps all.
    public var maxCandidates: Int?
    /// The particles' electric charges (``ChargeTune``).
    public var charge: ChargeTune

    /// The tune the generator ships with (docs/datasets.md, "Jet constituents").
    public static let standard = ShowerTune(
        quark: Fragmentation(multiplicity: 7.7, hardness: 2.35, width: 0.014),
        gluon: Fragmentation(multiplicity: 10.4, hardness: 1.75, width: 0.0185),
        bottom: Fragmentation(multiplicity: 10, hardness: 2.0, width: 0.016),
        multiplicityExponent: 0.35,
        gluonSplit: 0.72, quarkSplit: 0.53, decaySplit: 0.15, topBottomSplit: 0.2,
        splitZ: 0.05...0.5, splitAngle: 0.03...0.6,
        underlyingEvent: 10, underlyingEventPt: 1.5,
        ptResolution: 0, angularResolution: 0,
        candidateThreshold: 0.5, maxCandidates: nil,
        charge: .standard)

    func fragmentation(_ parton: JetShower.Parton) -> Fragmentation {
        switch parton {
        case .quark: quark
        case .gluon: gluon
        case .bottom: bottom
        }
    }
}

/// The shower itself, driven by a ``ShowerTune``. Momenta come from `rng`;
/// charges from `flavour`, a stream of their own (``ChargeChain``).
struct ConstituentShower {
    let tune: ShowerTune
    var chain: ChargeChain { ChargeChain(tune: tune.charge) }

    func logUniform(_ range: ClosedRange<Double>, _ rng: inout SeededRandom) -> Double {
        range.lowerBound * pow(range.upperBound / range.lowerBound, rng.uniform())
    }

    /// One hard splitting with probability `splitProbability` (dP ∝ dz/z dθ/θ), then hadronisation.
    /// `charge` (thirds of e) is the parton's; the radiated gluon's string end has none.
    func shower(_ p: FourVector, parton: JetShower.Parton, charge: Int, splitProbability: Double,
                rng: inout SeededRandom, flavour: inout SeededRandom, into particles: inout [JetShower.Particle]) {
        guard rng.uniform() < splitProbability else {
            hadronise(p, parton: parton, end: charge, rng: &rng, flavour: &flavour, into: &particles)
            return
        }
        let z = logUniform(tune.splitZ, &rng), theta = logUniform(tune.splitAngle, &rng)
        let psi = rng.uniform(0, 2 * .pi)
        let soft = FourVector(pt: z * p.pt, eta: p.eta + theta * cos(psi), phi: p.phi + theta * sin(psi))
        let hard = FourVector(pt: (1 - z) * p.pt, eta: p.eta - z * theta * cos(psi), phi: p.phi - z * theta * sin(psi))
        hadronise(hard, parton: parton, end: charge, rng: &rng, flavour: &flavour, into: &particles)
        hadronise(soft, parton: .gluon, end: chain.randomEnd(&flavour), rng: &rng, flavour: &flavour, into: &particles)
    }

    func hadronise(_ p: FourVector, parton: JetShower.Parton, end: Int,
                   rng: inout SeededRandom, flavour: inout SeededRandom, into particles: inout [JetShower.Particle]) {
        let f = tune.fragmentation(parton)
        let energy = max(p.pt, 1)
        let n = max(1, rng.poisson(mean: f.multiplicity * pow(energy / 100, tune.multiplicityExponent)))
        var x = (0..<n).map { _ in pow(rng.uniformOpen(), f.hardness) }
        let sum = x.reduce(0, +)
        for i in x.indices { x[i] /= sum }
        // Softer particles at wider angles; lower-energy partons spread more.
        let theta0 = f.width * (1000 / energy).squareRoot()
        let charges = chain.hadronCharges(x, end: end, rng: &flavour)
        for i in 0..<n {
            let sigma = min(0.5, theta0 / (x[i] * Double(n)).squareRoot())
            particles.append(JetShower.Particle(pt: x[i] * p.pt, eta: p.eta + sigma * rng.normal(), phi: p.phi + sigma * rng.normal(),
                                                charge: charges[i]))
        }
    }

    func underlyingEvent(rng: inout SeededRandom, flavour: inout SeededRandom, into particles: inout [JetShower.Particle]) {
        for _ in 0..<rng.poisson(mean: tune.underlyingEvent) {
            let r = 0.8 * rng.uniform().squareRoot(), a = rng.uniform(0, 2 * .pi)
            particles.append(JetShower.Particle(pt: 0.3 + rng.exponential(mean: tune.underlyingEventPt), eta: r * cos(a), phi: r * sin(a),
                                                charge: chain.underlyingEventCharge(&flavour)))
        }
    }

    /// Detector response: pT smeared by `ptResolution`/√pT, angles by `angularResolution`.
    func measure(_ particles: inout [JetShower.Particle], rng: inout SeededRandom) {
        guard tune.ptResolution > 0 || tune.angularResolution > 0 else { return }
        for i in particles.indices {
            let p = particles[i]
            let pt = p.pt * max(0.05, 1 + tune.ptResolution / p.pt.squareRoot() * rng.normal())
            particles[i] = JetShower.Particle(pt: pt, eta: p.eta + tune.angularResolution * rng.normal(),
                                              phi: p.phi + tune.angularResolution * rng.normal(), charge: p.charge)
        }
    }
}
