import Foundation

/// A four-momentum (E, px, py, pz) in GeV, for the event generators.
public struct FourVector: Sendable, Equatable {
    public var e: Double, px: Double, py: Double, pz: Double

    public init(e: Double, px: Double, py: Double, pz: Double) {
        self.e = e; self.px = px; self.py = py; self.pz = pz
    }

    /// From transverse momentum, pseudorapidity, azimuth and mass.
    public init(pt: Double, eta: Double, phi: Double, mass: Double = 0) {
        let px = pt * cos(phi), py = pt * sin(phi), pz = pt * sinh(eta)
        self.init(e: (px * px + py * py + pz * pz + mass * mass).squareRoot(), px: px, py: py, pz: pz)
    }

    public static let zero = FourVector(e: 0, px: 0, py: 0, pz: 0)

    public static func + (a: FourVector, b: FourVector) -> FourVector {
        FourVector(e: a.e + b.e, px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz)
    }

    public static func * (a: FourVector, s: Double) -> FourVector {
        FourVector(e: a.e * s, px: a.px * s, py: a.py * s, pz: a.pz * s)
    }

    public var pt: Double { (px * px + py * py).squareRoot() }
    public var p: Double { (px * px + py * py + pz * pz).squareRoot() }
    public var phi: Double { atan2(py, px) }
    /// Pseudorapidity; a large finite value along the beam instead of infinity.
    public var eta: Double {
        let pt = self.pt
        if pt < 1e-9 { return pz >= 0 ? 20 : -20 }
        return asinh(pz / pt)
    }
    public var mass: Double { max(0, e * e - p * p).squareRoot() }

    /// This vector boosted from the rest frame of `frame` into the lab.
    public func boosted(by frame: FourVector) -> FourVector {
        let m = frame.mass
        guard m > 0 else { return self }
        let bx = frame.px / frame.e, by = frame.py / frame.e, bz = frame.pz / frame.e
        let b2 = bx * bx + by * by + bz * bz
        guard b2 > 0 else { return self }
        let gamma = frame.e / m
        let bp = bx * px + by * py + bz * pz
        let g2 = (gamma - 1) / b2
        return FourVector(e: gamma * (e + bp),
                          px: px + g2 * bp * bx + gamma * bx * e,
                          py: py + g2 * bp * by + gamma * by * e,
                          pz: pz + g2 * bp * bz + gamma * bz * e)
    }
}

extension SeededRandom {
    /// Isotropic two-body decay of `parent` into daughters of masses `m1`, `m2`
    /// (lab frame). Requires `m1 + m2 < parent.mass`.
    public mutating func twoBodyDecay(_ parent: FourVector, m1: Double, m2: Double) -> (FourVector, FourVector) {
        let m = parent.mass
        let s = m * m
        let pStar = max(0, (s - (m1 + m2) * (m1 + m2)) * (s - (m1 - m2) * (m1 - m2))).squareRoot() / (2 * m)
        let cosT = uniform(-1, 1), sinT = (1 - cosT * cosT).squareRoot()
        let phi = uniform(0, 2 * .pi)
        let dx = pStar * sinT * cos(phi), dy = pStar * sinT * sin(phi), dz = pStar * cosT
        let d1 = FourVector(e: (pStar * pStar + m1 * m1).squareRoot(), px: dx, py: dy, pz: dz)
        let d2 = FourVector(e: (pStar * pStar + m2 * m2).squareRoot(), px: -dx, py: -dy, pz: -dz)
        return (d1.boosted(by: parent), d2.boosted(by: parent))
    }

    /// A resonance of mass `mass` produced with transverse momentum drawn
    /// from an exponential of mean `meanPt` and rapidity-like spread `etaSigma`.
    public mutating func resonance(mass: Double, meanPt: Double, etaSigma: Double = 1.8) -> FourVector {
        FourVector(pt: exponential(mean: meanPt), eta: normal(mean: 0, sigma: etaSigma),
                   phi: uniform(-.pi, .pi), mass: mass)
    }
}

/// The azimuth wrapped into [-pi, pi).
@inlinable
public func wrapPhi(_ phi: Double) -> Double {
    var p = phi.truncatingRemainder(dividingBy: 2 * .pi)
    if p >= .pi { p -= 2 * .pi }
    if p < -.pi { p += 2 * .pi }
    return p
}
