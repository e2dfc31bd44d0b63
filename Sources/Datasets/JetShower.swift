import Foundation

/// A toy parton shower for boosted jets: each parton may split once
/// (collinear and soft enhanced), then hadronises into particles spread
/// around its direction; soft wide-angle particles from the underlying
/// event and pile-up are added on top. Quarks radiate less, fragment harder
/// and more narrowly than gluons (colour factors C_F = 4/3 vs C_A = 3).
struct JetShower {
    enum Parton { case quark, gluon, bottom }

    /// A massless particle in jet coordinates (eta, phi relative to the axis at 0, 0).
    struct Particle {
        var pt: Double, eta: Double, phi: Double
        /// Electric charge in units of e (−1, 0, +1); only `jet_constituents` sets it.
        var charge: Int = 0
        var vector: FourVector { FourVector(pt: pt, eta: eta, phi: phi) }
    }

    /// Hard splittings and hadronisation of one parton. `splitProbability`
    /// is lower for decay products of colour singlets (W, Z), which radiate
    /// only inside the narrow cone between their prongs.
    static func shower(_ p: FourVector, parton: Parton, splitProbability: Double,
                       rng: inout SeededRandom, into particles: inout [Particle]) {
        if rng.uniform() < splitProbability {
            // dP ~ dz/z dtheta/theta: log-uniform z and angle.
            let z = 0.05 * pow(10, rng.uniform() * log10(0.5 / 0.05))
            let theta = 0.03 * pow(10, rng.uniform() * log10(0.6 / 0.03))
            let psi = rng.uniform(0, 2 * .pi)
            let pt = p.pt, eta = p.eta, phi = p.phi
            let soft = FourVector(pt: z * pt, eta: eta + theta * cos(psi), phi: phi + theta * sin(psi))
            let hard = FourVector(pt: (1 - z) * pt, eta: eta - z * theta * cos(psi), phi: phi - z * theta * sin(psi))
            hadronise(hard, parton: parton, rng: &rng, into: &particles)
            hadronise(soft, parton: .gluon, rng: &rng, into: &particles)
        } else {
            hadronise(p, parton: parton, rng: &rng, into: &particles)
        }
    }

    static func hadronise(_ p: FourVector, parton: Parton, rng: inout SeededRandom, into particles: inout [Particle]) {
        let energy = max(p.pt, 1)
        let (base, hardness, width): (Double, Double, Double)
        switch parton {
        case .quark: (base, hardness, width) = (7, 2.6, 0.012)
        case .bottom: (base, hardness, width) = (10, 2.0, 0.016)
        case .gluon: (base, hardness, width) = (11, 1.6, 0.020)
        }
        let n = max(1, rng.poisson(mean: base * pow(energy / 100, 0.35)))
        // Momentum fractions u^hardness, normalised: a larger exponent gives
        // a harder leading particle (quark-like fragmentation).
        var x = (0..<n).map { _ in pow(rng.uniformOpen(), hardness) }
        let sum = x.reduce(0, +)
        for i in x.indices { x[i] /= sum }
        // Softer particles are emitted at wider angles; lower-energy partons spread more.
        let theta0 = width * (1000 / energy).squareRoot()
        for i in 0..<n {
            let sigma = min(0.5, theta0 / (x[i] * Double(n)).squareRoot())
            let pt = x[i] * p.pt
            particles.append(Particle(pt: pt, eta: p.eta + sigma * rng.normal(), phi: p.phi + sigma * rng.normal()))
        }
    }

    /// Soft particles of the underlying event and pile-up, uniform in the jet area.
    static func underlyingEvent(rng: inout SeededRandom, into particles: inout [Particle]) {
        for _ in 0..<rng.poisson(mean: 10) {
            let r = 0.8 * rng.uniform().squareRoot(), a = rng.uniform(0, 2 * .pi)
            particles.append(Particle(pt: 0.3 + rng.exponential(mean: 1.5), eta: r * cos(a), phi: r * sin(a)))
        }
    }
}
