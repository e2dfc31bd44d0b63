import Foundation

/// The physics processes of the L1 anomaly-detection data set.
///
/// Background is a Standard-Model mixture with the fractions of the ADC2021
/// data set (Govorkova et al. 2021); the signals are the four processes that
/// data set published.
public enum L1Process: String, CaseIterable, Sendable {
    case wToLNu = "w_lnu"
    case qcd = "qcd"
    case zToLL = "z_ll"
    case ttbar = "ttbar"
    case aTo4L = "a_4l"
    case leptoquark = "lq_btau"
    case h0ToTauTau = "h0_tautau"
    case hPlusToTauNu = "hplus_taunu"

    /// Background processes, in the order of ``backgroundFractions``.
    public static let background: [L1Process] = [.wToLNu, .qcd, .zToLL, .ttbar]
    /// Signal processes.
    public static let signals: [L1Process] = [.aTo4L, .leptoquark, .h0ToTauTau, .hPlusToTauNu]
    /// Fractions of the background mixture (they sum to 1.003 in the source; normalised on use).
    public static let backgroundFractions: [Double] = [0.59, 0.34, 0.07, 0.003]

    public var isSignal: Bool { L1Process.signals.contains(self) }
}

/// A generator-level object before detector simulation.
struct TruthObject {
    enum Kind { case electron, muon, jet }
    var kind: Kind
    var p: FourVector
}

/// The truth content of one event: visible objects and the invisible momentum.
struct TruthEvent {
    var objects: [TruthObject] = []
    var invisible = FourVector.zero

    mutating func lepton(_ flavour: Int, _ p: FourVector) {
        objects.append(TruthObject(kind: flavour == 0 ? .electron : .muon, p: p))
    }
    mutating func jet(_ p: FourVector) { objects.append(TruthObject(kind: .jet, p: p)) }
}

/// Hard processes and decays. Each function adds its products to `event`.
extension SeededRandom {
    /// A tau lepton in the collinear approximation: a visible fraction of
    /// its momentum goes to an electron, a muon (17.8%, 17.4%) or a narrow
    /// jet (65%); the rest is neutrinos.
    mutating func decayTau(_ tau: FourVector, into event: inout TruthEvent) {
        let r = uniform()
        let visible: Double
        if r < 0.352 {
            visible = 0.1 + 0.8 * uniform() * (0.5 + 0.5 * uniform())
            event.lepton(r < 0.178 ? 0 : 1, tau * visible)
        } else {
            visible = 0.2 + 0.8 * pow(uniform(), 0.8)
            event.jet(tau * visible)
        }
        event.invisible = event.invisible + tau * (1 - visible)
    }

    /// A b quark: a jet, with a semileptonic decay (about 20%) leaving a soft
    /// non-isolated lepton and a neutrino inside it.
    mutating func decayB(_ b: FourVector, into event: inout TruthEvent) {
        if uniform() < 0.2 {
            let zl = uniform(0.05, 0.35), zn = uniform(0.05, 0.25)
            event.lepton(index(2), b * zl)
            event.invisible = event.invisible + b * zn
            event.jet(b * (1 - zl - zn))
        } else {
            event.jet(b)
        }
    }

    /// W decay: e, mu, tau (10.8% each) + neutrino, else two quarks.
    mutating func decayW(_ w: FourVector, into event: inout TruthEvent, leptonicOnly: Bool = false) {
        let r = leptonicOnly ? uniform() * 0.324 : uniform()
        let (a, b) = twoBodyDecay(w, m1: 0, m2: 0)
        if r < 0.216 {
            event.lepton(r < 0.108 ? 0 : 1, a)
            event.invisible = event.invisible + b
        } else if r < 0.324 {
            decayTau(a, into: &event)
            event.invisible = event.invisible + b
        } else {
            event.jet(a); event.jet(b)
        }
    }

    /// Initial-state radiation and pile-up jets, common to every process.
    mutating func addSoftJets(into event: inout TruthEvent, isrMean: Double) {
        for _ in 0..<poisson(mean: isrMean) {
            event.jet(FourVector(pt: 12 + exponential(mean: 18), eta: normal(mean: 0, sigma: 2.0), phi: uniform(-.pi, .pi)))
        }
        for _ in 0..<poisson(mean: 0.6) {
            event.jet(FourVector(pt: 10 + exponential(mean: 6), eta: uniform(-4.5, 4.5), phi: uniform(-.pi, .pi)))
        }
    }

    /// The generator-level event of one process.
    mutating func truthEvent(_ process: L1Process) -> TruthEvent {
        var ev = TruthEvent()
        switch process {
        case .wToLNu:
            let w = resonance(mass: breitWigner(mass: 80.4, width: 2.1), meanPt: 12)
            decayW(w, into: &ev, leptonicOnly: true)
            addSoftJets(into: &ev, isrMean: 0.9)
        case .zToLL:
            let z = resonance(mass: breitWigner(mass: 91.19, width: 2.5), meanPt: 12)
            let (a, b) = twoBodyDecay(z, m1: 0, m2: 0)
            let r = uniform()
            if r < 0.34 { ev.lepton(0, a); ev.lepton(0, b) }
            else if r < 0.68 { ev.lepton(1, a); ev.lepton(1, b) }
            else { decayTau(a, into: &ev); decayTau(b, into: &ev) }
            addSoftJets(into: &ev, isrMean: 0.9)
        case .qcd:
            // 2->2 scattering with a steeply falling pT spectrum, P(>pT) ~ pT^-4.
            // Events pass a single-lepton trigger through a lepton from a
            // heavy-flavour decay (or a fake) that carries part of a jet.
            let pt = 30 * pow(uniformOpen(), -0.25)
            let phi = uniform(-.pi, .pi)
            let p1 = FourVector(pt: pt, eta: normal(mean: 0, sigma: 1.8), phi: phi)
            let p2 = FourVector(pt: pt * uniform(0.7, 1.0), eta: normal(mean: 0, sigma: 1.8),
                                phi: wrapPhi(phi + .pi + normal(mean: 0, sigma: 0.25)))
            let z = uniform(0.25, 0.8), zn = uniform(0, 0.2) * (1 - z)
            ev.lepton(index(2), p1 * z)
            ev.invisible = ev.invisible + p1 * zn
            ev.jet(p1 * (1 - z - zn))
            ev.jet(p2)
            addSoftJets(into: &ev, isrMean: 1.4)
        case .ttbar:
            let t1 = resonance(mass: 172.5, meanPt: 80, etaSigma: 1.3)
            let t2 = FourVector(pt: exponential(mean: 80), eta: normal(mean: 0, sigma: 1.3),
                                phi: wrapPhi(t1.phi + .pi + normal(mean: 0, sigma: 0.6)), mass: 172.5)
            for t in [t1, t2] {
                let (b, w) = twoBodyDecay(t, m1: 4.8, m2: breitWigner(mass: 80.4, width: 2.1))
                decayB(b, into: &ev)
                decayW(w, into: &ev)
            }
            addSoftJets(into: &ev, isrMean: 1.2)
        case .aTo4L:
            let a = resonance(mass: 50, meanPt: 25)
            let m1 = uniform(15, 35)
            let m2 = uniform(4, min(48 - m1, m1))
            let (z1, z2) = twoBodyDecay(a, m1: m1, m2: m2)
            for z in [z1, z2] {
                let (l1, l2) = twoBodyDecay(z, m1: 0, m2: 0)
                let flavour = index(2)
                ev.lepton(flavour, l1); ev.lepton(flavour, l2)
            }
            addSoftJets(into: &ev, isrMean: 0.9)
        case .leptoquark:
            let lq = resonance(mass: 80, meanPt: 30)
            let (b, tau) = twoBodyDecay(lq, m1: 4.8, m2: 0)
            decayB(b, into: &ev)
            decayTau(tau, into: &ev)
            addSoftJets(into: &ev, isrMean: 1.0)
        case .h0ToTauTau:
            let h = resonance(mass: 60, meanPt: 30)
            let (a, b) = twoBodyDecay(h, m1: 0, m2: 0)
            decayTau(a, into: &ev); decayTau(b, into: &ev)
            addSoftJets(into: &ev, isrMean: 1.0)
        case .hPlusToTauNu:
            let h = resonance(mass: 60, meanPt: 30)
            let (tau, nu) = twoBodyDecay(h, m1: 0, m2: 0)
            decayTau(tau, into: &ev)
            ev.invisible = ev.invisible + nu
            addSoftJets(into: &ev, isrMean: 1.0)
        }
        return ev
    }
}
