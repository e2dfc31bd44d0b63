import Foundation
import TensorIO

/// Events as the CMS Layer-1 calorimeter trigger sends them to CICADA: the
/// E_T of the 252 calorimeter regions, 18 in φ (20° each, periodic) × 14
/// in η (|η| < 3), as integer counts of the L1 LSB (0.5 GeV), saturated
/// at the 10-bit maximum. Zero-bias background (pile-up, noise, soft
/// jets) and signals laid over it (docs/datasets.md, "Calorimeter regions").
///
/// An event is a `[18, 14, 1]` tensor (φ rows × η columns × one channel,
/// C order), the input shape of a channels-last Conv2D model.
public struct CaloRegionGenerator: Sendable {
    /// The processes: zero-bias background and the signals laid over it.
    public enum Process: String, CaseIterable, Sendable {
        case zeroBias = "zero_bias"
        /// Soft unclustered energy: a heavy scalar decaying to many soft particles.
        case suep
        /// Long-lived particles decaying in the calorimeter: narrow, partly out-of-time jets.
        case llp
        /// A narrow resonance decaying to two jets.
        case dijet

        /// The label of the process's events (its index).
        public var label: Int { Self.allCases.firstIndex(of: self)! }
        public static let signals: [Process] = [.suep, .llp, .dijet]
    }

    /// Regions in φ (rows) and in η (columns).
    public static let phiRegions = 18, etaRegions = 14
    public static let shape = [phiRegions, etaRegions, 1]
    /// One count of region E_T, in GeV.
    public static let lsb = 0.5
    /// Region E_T is a 10-bit count: larger sums read 1023.
    public static let saturation = 1023.0
    /// The model input type that holds every count exactly.
    public static let inputType = "ap_ufixed<10,10>"
    /// The upper |η| edges of the 7 regions on each side: 4 trigger towers
    /// each, 0.087 wide up to |η| = 1.74, then wider in the endcap.
    public static let etaEdges: [Double] = [0, 0.348, 0.696, 1.044, 1.392, 1.74, 2.172, 3.0]

    /// Events a chunk of the endless streams (as the L1 generator's).
    public static let chunkEvents = L1AnomalyGenerator.chunkEvents

    public var seed: UInt64
    /// Mean number of pile-up interactions per crossing (Poisson).
    public var pileUp: Double

    public init(seed: UInt64, pileUp: Double = 60) {
        self.seed = seed
        self.pileUp = pileUp
    }

    /// `count` events of one process, as one stream from the seed.
    public func events(_ process: Process, count: Int) -> EventTable {
        var rng = SeededRandom(seed: seed).fork(0xCA10_0000 &+ UInt64(process.label))
        return Self.table((0..<count).map { _ in event(process, rng: &rng) })
    }

    /// Chunk `index` of an endless stream of one process: derived from the
    /// seed, the process and the index alone, so chunks can be made on any
    /// thread in any order.
    public func events(_ process: Process, chunk index: Int, count: Int) -> EventTable {
        let salt: UInt64 = 0xCA11_0000_0000 | UInt64(process.label) << 32
        var rng = SeededRandom(seed: seed).fork(salt &+ UInt64(index))
        return Self.table((0..<count).map { _ in event(process, rng: &rng) })
    }

    /// Zero-bias background and each signal in equal shares, shuffled; labels are ``Process/label``.
    public func mixture(count: Int) -> (events: EventTable, labels: [Int]) {
        var rng = SeededRandom(seed: seed).fork(0xCA12_0000)
        var rows: [[Double]] = []
        var labels: [Int] = []
        for i in 0..<count {
            let p = Process.allCases[i % Process.allCases.count]
            rows.append(event(p, rng: &rng))
            labels.append(p.label)
        }
        var order = Array(0..<count)
        rng.shuffle(&order)
        return (Self.table(order.map { rows[$0] }), order.map { labels[$0] })
    }

    static func table(_ rows: [[Double]]) -> EventTable {
        EventTable(rows: rows.count, columns: phiRegions * etaRegions, values: rows.flatMap { $0 })
    }

    /// One event: background, the process's deposits, then the readout
    /// (truncation to counts of the LSB, saturation).
    func event(_ process: Process, rng: inout SeededRandom) -> [Double] {
        var grid = RegionGrid()
        CaloProcesses.zeroBias(pileUp: pileUp, rng: &rng, into: &grid)
        switch process {
        case .zeroBias: break
        case .suep: CaloProcesses.suep(rng: &rng, into: &grid)
        case .llp: CaloProcesses.longLived(rng: &rng, into: &grid)
        case .dijet: CaloProcesses.dijetResonance(rng: &rng, into: &grid)
        }
        return grid.et.map { Self.counts($0) }
    }

    /// Region E_T in GeV → the L1 count: truncated to the LSB, at most ``saturation``.
    public static func counts(_ et: Double) -> Double {
        min(saturation, max(0, (et / lsb).rounded(.down)))
    }

    /// The η column of a pseudorapidity, nil outside |η| < 3.
    public static func etaColumn(_ eta: Double) -> Int? {
        let a = abs(eta)
        guard a < 3 else { return nil }
        let k = (1..<etaEdges.count).first { a < etaEdges[$0] }! - 1
        return eta < 0 ? 6 - k : 7 + k
    }

    /// The azimuth as a fraction of a turn, in [0, 1).
    static func turn(_ phi: Double) -> Double {
        let t = (phi / (2 * Double.pi)).truncatingRemainder(dividingBy: 1)
        return t < 0 ? t + 1 : t
    }

    /// The φ row of an azimuth (any value; φ wraps around).
    public static func phiRow(_ phi: Double) -> Int {
        min(phiRegions - 1, Int(turn(phi) * Double(phiRegions)))
    }

    /// The η range of column `k`.
    static func etaRange(_ k: Int) -> (Double, Double) {
        k >= 7 ? (etaEdges[k - 7], etaEdges[k - 6]) : (-etaEdges[7 - k], -etaEdges[6 - k])
    }
}

/// Region E_T in GeV while an event is built, `[φ][η]` in C order.
struct RegionGrid {
    var et = [Double](repeating: 0, count: CaloRegionGenerator.phiRegions * CaloRegionGenerator.etaRegions)

    /// Adds `energy` at one point (a soft particle: all in its region).
    mutating func deposit(_ energy: Double, eta: Double, phi: Double) {
        guard let c = CaloRegionGenerator.etaColumn(eta) else { return }
        et[CaloRegionGenerator.phiRow(phi) * CaloRegionGenerator.etaRegions + c] += energy
    }

    /// Spreads `energy` as a 2-D Gaussian of width `sigma` around (eta, phi),
    /// integrated over each region (φ periodic); what falls beyond |η| = 3 is lost.
    mutating func depositShower(_ energy: Double, eta: Double, phi: Double, sigma: Double) {
        let g = CaloRegionGenerator.self
        let width = 2 * Double.pi / Double(g.phiRegions)
        let scale = sigma * 2.0.squareRoot()
        func cdf(_ x: Double) -> Double { 0.5 * (1 + erf(x / scale)) }
        var etaShare = [Double](repeating: 0, count: g.etaRegions)
        for k in 0..<g.etaRegions {
            let (lo, hi) = g.etaRange(k)
            etaShare[k] = cdf(hi - eta) - cdf(lo - eta)
        }
        // φ: the rows within 3σ on either side (at most 8, so none is counted twice).
        let phiInTurn: Double = g.turn(phi) * 2 * Double.pi
        let centre = g.phiRow(phi)
        let centreLow = Double(centre) * width - phiInTurn
        let reach = min(8, Int((3 * sigma / width).rounded(.up)) + 1)
        for offset in -reach...reach {
            let row = ((centre + offset) % g.phiRegions + g.phiRegions) % g.phiRegions
            let lo = centreLow + Double(offset) * width
            let share = cdf(lo + width) - cdf(lo)
            guard share > 0 else { continue }
            for k in 0..<g.etaRegions where etaShare[k] > 0 {
                et[row * g.etaRegions + k] += energy * share * etaShare[k]
            }
        }
    }
}
