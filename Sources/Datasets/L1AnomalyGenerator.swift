import Foundation
import TensorIO

/// Events for L1 anomaly detection in the layout of the ADC2021 data set:
/// 19 objects x (pT, eta, phi) = 57 numbers per event: missing ET (eta = 0),
/// 4 electrons, 4 muons, 10 jets, each type pT-ordered and zero-padded.
///
/// Values are in L1 hardware units (see docs/datasets.md): pT in GeV on a
/// 0.5 GeV grid, saturated at ``maxPt``; eta and phi on a 2^-6 grid. Every
/// value is therefore exactly representable in ``inputType`` (`ap_fixed<18,12>`).
public struct L1AnomalyGenerator: Sendable {
    public static let objectCount = 19
    public static let featureCount = 57
    public static let maxElectrons = 4, maxMuons = 4, maxJets = 10
    /// The pT step of the L1 hardware, GeV.
    public static let ptStep = 0.5
    /// The angle step, 2^-6.
    public static let angleStep = 0.015625
    /// The largest pT the 12 integer bits hold on the 0.5 GeV grid.
    public static let maxPt = 2047.5
    /// The type that holds every generated value exactly.
    public static let inputTypeName = "ap_fixed<18,12,AP_RND,AP_SAT>"

    /// L1-like selection: at least one electron or muon above this pT (GeV).
    public static let triggerPt = 23.0
    /// Acceptance of the three object types.
    public static let electronMaxEta = 3.0, muonMaxEta = 2.1, jetMaxEta = 4.0, jetMinPt = 15.0
    /// Leptons below this pT are not reconstructed at L1.
    public static let leptonMinPt = 3.0

    /// Per-column factors that bring the hardware units to O(1) for a
    /// network: pT x 2^-5 (so 32 GeV -> 1), eta and phi x 2^-1. Powers of two,
    /// so that a model applying them in fixed point stays exact.
    public static var networkScales: [Double] {
        (0..<objectCount).flatMap { _ in [0.03125, 0.5, 0.5] }
    }

    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Column names: `met_pt, met_eta, met_phi, e1_pt, ..., j10_phi`.
    public static var featureNames: [String] {
        var names = ["met_pt", "met_eta", "met_phi"]
        for (prefix, n) in [("e", maxElectrons), ("mu", maxMuons), ("j", maxJets)] {
            for i in 1...n { names += ["\(prefix)\(i)_pt", "\(prefix)\(i)_eta", "\(prefix)\(i)_phi"] }
        }
        return names
    }

    /// `count` accepted events of one process. The stream for each process
    /// is derived from the seed and the process, so asking for signals does
    /// not change the background events.
    public func events(_ process: L1Process, count: Int) -> EventTable {
        var rng = SeededRandom(seed: seed).fork(UInt64(L1Process.allCases.firstIndex(of: process)! + 1))
        var values: [Double] = []
        values.reserveCapacity(count * Self.featureCount)
        var accepted = 0
        while accepted < count {
            let truth = rng.truthEvent(process)
            if let row = Self.detector(truth, rng: &rng) {
                values += row
                accepted += 1
            }
        }
        return EventTable(rows: count, columns: Self.featureCount, values: values)
    }

    /// A background sample in the SM mixture, events shuffled; `labels[i]` is
    /// the index of the event's process in ``L1Process/allCases``.
    public func backgroundMixture(count: Int) -> (events: EventTable, labels: [Int]) {
        let total = L1Process.backgroundFractions.reduce(0, +)
        var counts = L1Process.backgroundFractions.map { Int(($0 / total * Double(count)).rounded(.down)) }
        counts[0] += count - counts.reduce(0, +)
        var rows: [(ArraySlice<Double>, Int)] = []
        var tables: [EventTable] = []
        for (i, process) in L1Process.background.enumerated() { tables.append(events(process, count: counts[i])) }
        for (i, process) in L1Process.background.enumerated() {
            let label = L1Process.allCases.firstIndex(of: process)!
            for r in 0..<tables[i].rows { rows.append((tables[i][row: r], label)) }
        }
        var rng = SeededRandom(seed: seed).fork(0xB6)
        rng.shuffle(&rows)
        return (EventTable(rows: count, columns: Self.featureCount, values: rows.flatMap { $0.0 }), rows.map(\.1))
    }

    /// Detector response, L1 thresholds and the hardware grid. Returns nil
    /// when the event fails the single-lepton trigger.
    static func detector(_ truth: TruthEvent, rng: inout SeededRandom) -> [Double]? {
        var electrons: [FourVector] = [], muons: [FourVector] = [], jets: [FourVector] = []
        // Mismeasurement of visible objects shifts the missing ET.
        var metX = truth.invisible.px
        var metY = truth.invisible.py
        for object in truth.objects {
            let p = object.p
            let pt = p.pt
            let sigma: Double, angle: Double
            switch object.kind {
            case .electron: sigma = pt * hypot(0.05, 0.6 / max(pt, 1).squareRoot()); angle = 0.01
            case .muon: sigma = pt * (0.08 + 0.0005 * pt); angle = 0.01
            case .jet: sigma = pt * hypot(0.08, 1.1 / max(pt, 1).squareRoot()); angle = 0.04
            }
            // Thresholds compare hardware units, so the pT is put on the grid first.
            let measuredPt = gridPt(max(0, pt + sigma * rng.normal()))
            let eta = p.eta + angle * rng.normal()
            let phi = wrapPhi(p.phi + angle * rng.normal())
            let measured = FourVector(pt: measuredPt, eta: eta, phi: phi)
            metX += p.px - measured.px
            metY += p.py - measured.py
            switch object.kind {
            case .electron where measuredPt > leptonMinPt && abs(eta) < electronMaxEta: electrons.append(measured)
            case .muon where measuredPt > leptonMinPt && abs(eta) < muonMaxEta: muons.append(measured)
            case .jet where measuredPt > jetMinPt && abs(eta) < jetMaxEta: jets.append(measured)
            default: break
            }
        }
        let leading = (electrons + muons).map { gridPt($0.pt) }.max() ?? 0
        guard leading > triggerPt else { return nil }
        // Unclustered energy and pile-up smear the missing ET.
        metX += 7 * rng.normal()
        metY += 7 * rng.normal()

        var row: [Double] = []
        row.reserveCapacity(featureCount)
        row += [gridPt(hypot(metX, metY)), 0, gridAngle(atan2(metY, metX))]
        for (list, n) in [(electrons, maxElectrons), (muons, maxMuons), (jets, maxJets)] {
            let sorted = list.sorted { $0.pt > $1.pt }
            for i in 0..<n {
                if i < sorted.count {
                    row += [gridPt(sorted[i].pt), gridAngle(sorted[i].eta), gridAngle(sorted[i].phi)]
                } else {
                    row += [0, 0, 0]
                }
            }
        }
        return row
    }

    static func gridPt(_ pt: Double) -> Double {
        min(maxPt, (pt / ptStep).rounded() * ptStep)
    }

    static func gridAngle(_ a: Double) -> Double {
        (a / angleStep).rounded() * angleStep
    }
}
