import Foundation

/// What each process of ``CaloRegionGenerator`` deposits in the regions, in GeV of E_T.
enum CaloProcesses {
    /// Soft particles reaching the calorimeter per unit η per pile-up
    /// interaction, and their mean E_T (GeV) after the calorimeter's low
    /// response to soft hadrons.
    static let pileUpDensity = 3.0, pileUpParticleEt = 0.42
    /// Electronics noise per region (GeV, Gaussian; the readout clips at zero).
    static let noise = 0.4

    /// Zero bias: pile-up interactions, noise, and the soft jets of the
    /// crossing (a falling spectrum, sometimes with a recoiling partner).
    static func zeroBias(pileUp: Double, rng: inout SeededRandom, into grid: inout RegionGrid) {
        let g = CaloRegionGenerator.self
        let interactions = Double(rng.poisson(mean: pileUp))
        for k in 0..<g.etaRegions {
            let (lo, hi) = g.etaRange(k)
            let mean = interactions * pileUpDensity * (hi - lo) / Double(g.phiRegions)
            for row in 0..<g.phiRegions {
                var et = rng.normal(mean: 0, sigma: noise)
                for _ in 0..<rng.poisson(mean: mean) { et += rng.exponential(mean: pileUpParticleEt) }
                grid.et[row * g.etaRegions + k] += et
            }
        }
        for _ in 0..<rng.poisson(mean: 0.3 + 0.02 * interactions) {
            // P(> pT) = (pT / 10 GeV)^-3 up to 500 GeV.
            let pt = min(500, 10 * pow(rng.uniformOpen(), -1.0 / 3))
            let eta = rng.uniform(-3.2, 3.2), phi = rng.uniform(-.pi, .pi)
            jet(pt, eta: eta, phi: phi, rng: &rng, into: &grid)
            if rng.uniform() < 0.4 {
                jet(pt * rng.uniform(0.6, 1), eta: rng.uniform(-3.2, 3.2), phi: phi + Double.pi + 0.3 * rng.normal(), rng: &rng, into: &grid)
            }
        }
    }

    /// A jet's measured E_T spread over the regions: response 0.7 (L1
    /// regions are not calibrated), resolution 100%/√E_T ⊕ 8%.
    static func jet(_ pt: Double, eta: Double, phi: Double, width: Double = 0.12,
                    rng: inout SeededRandom, into grid: inout RegionGrid) {
        let resolution = (1 / pt + 0.0064).squareRoot()
        let et = max(0, 0.7 * pt * (1 + resolution * rng.normal()))
        grid.depositShower(et, eta: eta, phi: phi, sigma: width)
    }

    /// SUEP: a 400 GeV scalar (pT ~ exp(40 GeV)) decaying to ~100 soft
    /// particles, isotropic in its rest frame with thermal energies (T ≈
    /// 1.3 GeV): a faint, round spray of E_T over many regions.
    static func suep(rng: inout SeededRandom, into grid: inout RegionGrid) {
        let mass = 400.0
        let parent = FourVector(pt: rng.exponential(mean: 40), eta: rng.normal(mean: 0, sigma: 1.2),
                                phi: rng.uniform(-.pi, .pi), mass: mass)
        let n = max(10, rng.poisson(mean: 100))
        var momenta: [(Double, Double, Double)] = []
        var sum = (0.0, 0.0, 0.0)
        for _ in 0..<n {
            // Thermal energy: a sum of three exponentials (Gamma(3, T)).
            let e = rng.exponential(mean: 1.33) + rng.exponential(mean: 1.33) + rng.exponential(mean: 1.33)
            let c = rng.uniform(-1, 1), s = (1 - c * c).squareRoot(), a = rng.uniform(0, 2 * .pi)
            let p = (e * s * cos(a), e * s * sin(a), e * c)
            momenta.append(p)
            sum = (sum.0 + p.0, sum.1 + p.1, sum.2 + p.2)
        }
        // Remove the net momentum, then share out the mass as energy.
        let mean = (sum.0 / Double(n), sum.1 / Double(n), sum.2 / Double(n))
        var particles = momenta.map { p -> FourVector in
            let q = (p.0 - mean.0, p.1 - mean.1, p.2 - mean.2)
            return FourVector(e: (q.0 * q.0 + q.1 * q.1 + q.2 * q.2).squareRoot(), px: q.0, py: q.1, pz: q.2)
        }
        let total = particles.reduce(0) { $0 + $1.e }
        particles = particles.map { $0 * (mass / total) }
        for p in particles {
            let lab = p.boosted(by: parent)
            // Soft hadrons: the calorimeter responds at about 60%.
            grid.deposit(0.6 * lab.pt, eta: lab.eta, phi: lab.phi)
        }
    }

    /// A rare Higgs decay to long-lived scalars: h (125 GeV, pT ~ exp(30))
    /// → S S (40 GeV), each S → b b̄ after flying into the calorimeter.
    /// The late showers are narrow (σ = 0.04, no spread from the tracker
    /// volume) and partly out of time: 30–100% of their E_T falls in the
    /// crossing read out.
    static func longLived(rng: inout SeededRandom, into grid: inout RegionGrid) {
        let higgs = FourVector(pt: rng.exponential(mean: 30), eta: rng.normal(mean: 0, sigma: 1.5),
                               phi: rng.uniform(-.pi, .pi), mass: rng.breitWigner(mass: 125, width: 0.004))
        let (s1, s2) = rng.twoBodyDecay(higgs, m1: 40, m2: 40)
        for s in [s1, s2] {
            let inTime = rng.uniform(0.3, 1)
            let (b1, b2) = rng.twoBodyDecay(s, m1: 4.8, m2: 4.8)
            for b in [b1, b2] { jet(b.pt * inTime, eta: b.eta, phi: b.phi, width: 0.04, rng: &rng, into: &grid) }
        }
    }

    /// A narrow resonance to two jets: X (300 GeV, Γ = 1%, pT ~ exp(20),
    /// η spread 1.0) → q q̄, two back-to-back jets of ~150 GeV.
    static func dijetResonance(rng: inout SeededRandom, into grid: inout RegionGrid) {
        let x = FourVector(pt: rng.exponential(mean: 20), eta: rng.normal(mean: 0, sigma: 1.0),
                           phi: rng.uniform(-.pi, .pi), mass: rng.breitWigner(mass: 300, width: 3))
        let (q1, q2) = rng.twoBodyDecay(x, m1: 0, m2: 0)
        for q in [q1, q2] { jet(q.pt, eta: q.eta, phi: q.phi, rng: &rng, into: &grid) }
    }
}
