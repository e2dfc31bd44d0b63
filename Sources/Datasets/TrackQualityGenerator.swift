import Foundation
import TensorIO

/// Genuine and fake Level-1 tracks described by their track-fit quantities,
/// the inputs of the CMS Phase-2 L1 track-quality BDT (docs/datasets.md,
/// "Track quality").
///
/// A genuine track is a charged particle from the hard scatter or pile-up,
/// fitted from stubs that it made itself: its χ² terms follow χ²
/// distributions with the fit's degrees of freedom (inflated by multiple
/// scattering at low pT), it has stubs in most layers and comes from the
/// luminous region in z. A fake track is a combination of stubs from
/// several particles: larger χ² terms, fewer stubs, z0 flat over the
/// tracker's acceptance, a softer pT spectrum and more of them in the
/// endcaps. Some fakes share most stubs with a real particle and look
/// nearly genuine, so the classes overlap as in the detector.
///
/// Every value lies on the 2⁻⁸ grid inside `[-128, 128)`, so the model input
/// type `ap_fixed<16,8,AP_RND,AP_SAT>` (``inputType``) holds each one exactly.
public struct TrackQualityGenerator: Sendable {
    /// The column names, in order.
    public static let featureNames = ["chi2rphi", "chi2rz", "bendchi2", "nstub", "eta", "z0", "pt"]
    /// The input type that holds every value the generator makes.
    public static let inputType = "ap_fixed<16,8,AP_RND,AP_SAT>"
    /// Values are rounded to multiples of this (the input type's LSB).
    public static let grid = 0x1p-8
    /// The largest value of the χ² columns and of pT (the input type's largest).
    public static let saturation = 128 - grid
    /// Tracks with |η| above this are not reconstructed.
    public static let etaAcceptance = 2.4
    /// |z0| above this is outside the track finder's acceptance (cm).
    public static let z0Acceptance = 15.0
    /// The track finder's pT threshold (GeV).
    public static let ptThreshold = 2.0
    /// Label of a genuine track; a fake one is 0.
    public static let genuineLabel = 1

    public var seed: UInt64
    /// The fraction of genuine tracks in ``tracks(count:)``.
    public var genuineFraction: Double

    public init(seed: UInt64, genuineFraction: Double = 0.5) {
        self.seed = seed
        self.genuineFraction = genuineFraction
    }

    /// `count` tracks, `round(count × genuineFraction)` of them genuine (label 1),
    /// the rest fake (label 0), shuffled. Columns are ``featureNames``.
    public func tracks(count: Int) -> (features: EventTable, labels: [Int]) {
        let genuine = Int((Double(count) * min(1, max(0, genuineFraction))).rounded())
        var rng = SeededRandom(seed: seed)
        let columns = Self.featureNames.count
        var rows: [[Double]] = []
        rows.reserveCapacity(count)
        var labels: [Int] = []
        labels.reserveCapacity(count)
        for i in 0..<count {
            let isGenuine = i < genuine
            rows.append(isGenuine ? Self.genuineTrack(&rng) : Self.fakeTrack(&rng))
            labels.append(isGenuine ? Self.genuineLabel : 0)
        }
        var order = Array(0..<count)
        rng.shuffle(&order)
        var values: [Double] = []
        values.reserveCapacity(count * columns)
        for i in order { values += rows[i] }
        return (EventTable(rows: count, columns: columns, values: values), order.map { labels[$0] })
    }

    /// Chunk `index` of an endless stream of tracks of one kind (for the
    /// physics figures): its random stream is derived from the seed, the kind
    /// and `index` alone, so chunks can be made on any thread in any order.
    public func tracks(genuine: Bool, chunk index: Int, count: Int) -> EventTable {
        var rng = SeededRandom(seed: seed).fork((genuine ? 0x6E00_0000 : 0xFA00_0000) &+ UInt64(index))
        var values: [Double] = []
        values.reserveCapacity(count * Self.featureNames.count)
        for _ in 0..<count { values += genuine ? Self.genuineTrack(&rng) : Self.fakeTrack(&rng) }
        return EventTable(rows: count, columns: Self.featureNames.count, values: values)
    }

    /// A χ² variable with `dof` degrees of freedom.
    static func chiSquared(_ dof: Int, _ rng: inout SeededRandom) -> Double {
        var s = 0.0
        for _ in 0..<dof { let z = rng.normal(); s += z * z }
        return s
    }

    /// A falling spectrum above the threshold: P(> pT) = (pT / 2 GeV)^-(index).
    static func powerLawPt(index: Double, _ rng: inout SeededRandom) -> Double {
        ptThreshold * pow(rng.uniformOpen(), -1 / index)
    }

    /// A stub count of 4, 5 or 6 with the given probabilities of 4 and 5.
    static func stubCount(p4: Double, p5: Double, _ rng: inout SeededRandom) -> Int {
        let u = rng.uniform()
        return u < p4 ? 4 : (u < p4 + p5 ? 5 : 6)
    }

    /// A genuine track's row.
    static func genuineTrack(_ rng: inout SeededRandom) -> [Double] {
        let pt = powerLawPt(index: 2.2, &rng)
        let eta = rng.uniform(-etaAcceptance, etaAcceptance)
        // The barrel-endcap overlap (|η| ≈ 1–1.7) loses a layer more often.
        let overlap = abs(eta) > 1.0 && abs(eta) < 1.7
        let nstub = stubCount(p4: overlap ? 0.2 : 0.08, p5: overlap ? 0.45 : 0.32, &rng)
        // Multiple scattering inflates the residuals of soft tracks beyond the
        // resolution the fit assumes; a few tracks scatter hard or brem.
        var scale = 1 + 2.5 / pt
        if rng.uniform() < 0.04 { scale *= 4 + 6 * rng.uniform() }
        let chi2rphi = scale * chiSquared(nstub - 2, &rng) / Double(nstub - 2)
        let chi2rz = (1 + 1.5 / pt) * (rng.uniform() < 0.03 ? 5 : 1) * chiSquared(nstub - 2, &rng) / Double(nstub - 2)
        let bendchi2 = (1 + 1 / pt) * chiSquared(nstub, &rng) / Double(nstub)
        // Primary vertices spread with σ_z = 5 cm; the z0 resolution worsens
        // with |η| (longer extrapolation to the beam line).
        let z0 = rng.normal(mean: 0, sigma: 5) + rng.normal(mean: 0, sigma: 0.1 * (1 + abs(eta)))
        return row(chi2rphi, chi2rz, bendchi2, nstub, eta, z0, pt)
    }

    /// A fake track's row.
    static func fakeTrack(_ rng: inout SeededRandom) -> [Double] {
        let pt = powerLawPt(index: 3.2, &rng)
        // More fakes in the endcaps, where stub density and overlaps are larger.
        let eta = (rng.uniform() < 0.5 ? -1.0 : 1.0) * etaAcceptance * rng.uniform().squareRoot()
        let nstub = stubCount(p4: 0.55, p5: 0.33, &rng)
        // A fake made mostly of one particle's stubs fits nearly as well as
        // that particle; a random combination fits badly.
        let nearlyGenuine = rng.uniform() < 0.25
        let badness = nearlyGenuine ? 1.3 + 0.7 * rng.uniform() : exp(rng.normal(mean: log(6), sigma: 0.7))
        let chi2rphi = (1 + 2.5 / pt) * badness * chiSquared(nstub - 2, &rng) / Double(nstub - 2)
        let chi2rz = (nearlyGenuine ? 1.2 : 2.5) * chiSquared(nstub - 2, &rng) / Double(nstub - 2)
        let bendchi2 = (nearlyGenuine ? 1.5 : 3.5) * chiSquared(nstub, &rng) / Double(nstub)
        let z0 = nearlyGenuine ? rng.normal(mean: 0, sigma: 5.5) : rng.uniform(-z0Acceptance, z0Acceptance)
        return row(chi2rphi, chi2rz, bendchi2, nstub, eta, z0, pt)
    }

    /// The columns on the input grid, saturated to the acceptance and the type's range.
    static func row(_ chi2rphi: Double, _ chi2rz: Double, _ bendchi2: Double, _ nstub: Int,
                    _ eta: Double, _ z0: Double, _ pt: Double) -> [Double] {
        func onGrid(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
            (min(hi, max(lo, v)) / grid).rounded() * grid
        }
        return [onGrid(chi2rphi, 0, saturation), onGrid(chi2rz, 0, saturation), onGrid(bendchi2, 0, saturation),
                Double(nstub), onGrid(eta, -etaAcceptance, etaAcceptance), onGrid(z0, -z0Acceptance, z0Acceptance),
                onGrid(pt, ptThreshold, saturation)]
    }
}
