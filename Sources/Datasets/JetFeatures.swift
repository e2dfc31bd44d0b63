import Foundation

/// The 16 high-level inputs of the hls4ml jet-tagging data set, computed
/// from a jet's constituents.
///
/// Energy correlation functions follow Larkoski, Salam, Thaler (C, D) and
/// Moult, Necib, Thaler (generalised `v e_3`, M2 and N2), with momentum
/// fractions `z_i = pT_i / pT_jet` and angles `ΔR_ij`:
/// `e2^β = Σ z_i z_j ΔR_ij^β`; for each triple with sorted distances
/// `d1 <= d2 <= d3`: `1e3^β += zzz d1^β`, `2e3^β += zzz (d1 d2)^β`,
/// `3e3^β += zzz (d1 d2 d3)^β`.
enum JetFeatures {
    /// Three-point correlators use the leading constituents only: they carry
    /// almost all of the weight (z_i z_j z_k) and keep generation O(n) fast.
    static let threePointConstituents = 24
    /// mMDT grooming: keep declustering the harder branch until the softer
    /// one carries at least this fraction of the pT.
    static let mmdtZCut = 0.1

    static func compute(_ particles: [JetShower.Particle]) -> [Double] {
        let ptSum = particles.reduce(0) { $0 + $1.pt }
        let sorted = particles.sorted { $0.pt > $1.pt }
        let n = sorted.count
        let z = sorted.map { $0.pt / ptSum }
        let eta = sorted.map(\.eta), phi = sorted.map(\.phi)
        func dR(_ i: Int, _ j: Int) -> Double {
            let de = eta[i] - eta[j], dp = wrapPhi(phi[i] - phi[j])
            return (de * de + dp * dp).squareRoot()
        }
        let zlogz = z.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
        var e2b0 = 0.0, e2b1 = 0.0, e2b2 = 0.0
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let zz = z[i] * z[j], d = dR(i, j)
                e2b0 += zz; e2b1 += zz * d; e2b2 += zz * d * d
            }
        }
        let m = min(n, threePointConstituents)
        var d = [Double](repeating: 0, count: m * m)
        for i in 0..<m { for j in 0..<m { d[i * m + j] = dR(i, j) } }
        var v1b1 = 0.0, v1b2 = 0.0, v2b1 = 0.0, v2b2 = 0.0, v3b1 = 0.0, v3b2 = 0.0
        for i in 0..<m {
            for j in (i + 1)..<max(m, i + 1) {
                let zij = z[i] * z[j], dij = d[i * m + j]
                for k in (j + 1)..<max(m, j + 1) {
                    let zzz = zij * z[k]
                    var a = dij, b = d[i * m + k], c = d[j * m + k]
                    if a > b { swap(&a, &b) }
                    if b > c { swap(&b, &c) }
                    if a > b { swap(&a, &b) }
                    let ab = a * b, abc = ab * c
                    v1b1 += zzz * a; v1b2 += zzz * a * a
                    v2b1 += zzz * ab; v2b2 += zzz * ab * ab
                    v3b1 += zzz * abc; v3b2 += zzz * abc * abc
                }
            }
        }
        func ratio(_ a: Double, _ b: Double) -> Double { b > 1e-12 ? a / b : 0 }
        let c2b1 = ratio(v3b1, e2b1 * e2b1), c2b2 = ratio(v3b2, e2b2 * e2b2)
        let d2b1 = ratio(v3b1, e2b1 * e2b1 * e2b1), d2b2 = ratio(v3b2, e2b2 * e2b2 * e2b2)
        // D2 with alpha = 1: e3^(1) / (e2^(beta))^(3/beta).
        let d2a1b1 = d2b1
        let d2a1b2 = ratio(v3b1, pow(e2b2, 1.5))
        let m2b1 = ratio(v1b1, e2b1), m2b2 = ratio(v1b2, e2b2)
        let n2b1 = ratio(v2b1, e2b1 * e2b1), n2b2 = ratio(v2b2, e2b2 * e2b2)
        return [zlogz, e2b0, e2b1, e2b2, c2b1, c2b2, d2b1, d2b2, d2a1b1, d2a1b2,
                m2b1, m2b2, n2b1, n2b2, mmdtMass(sorted), Double(n)]
    }

    /// The modified-mass-drop groomed mass: Cambridge/Aachen clustering
    /// (nearest-neighbour bookkeeping, O(n^2)), then declustering along the
    /// harder branch until both branches pass the z cut.
    static func mmdtMass(_ particles: [JetShower.Particle]) -> Double {
        var vec = particles.map(\.vector)
        var eta = particles.map(\.eta), phi = particles.map(\.phi)
        var children: [(Int, Int)?] = Array(repeating: nil, count: vec.count)
        var active = Array(vec.indices)
        func dist(_ a: Int, _ b: Int) -> Double {
            let de = eta[a] - eta[b], dp = wrapPhi(phi[a] - phi[b])
            return de * de + dp * dp
        }
        guard !active.isEmpty else { return 0 }
        var nn = [Int](repeating: -1, count: vec.count)
        var nnDist = [Double](repeating: .infinity, count: vec.count)
        func updateNN(_ a: Int) {
            nn[a] = -1; nnDist[a] = .infinity
            for b in active where b != a {
                let d = dist(a, b)
                if d < nnDist[a] { nnDist[a] = d; nn[a] = b }
            }
        }
        for a in active { updateNN(a) }
        while active.count > 1 {
            var best = active[0]
            for a in active where nnDist[a] < nnDist[best] { best = a }
            let partner = nn[best]
            let merged = vec[best] + vec[partner]
            let id = vec.count
            vec.append(merged); eta.append(merged.eta); phi.append(merged.phi)
            children.append((best, partner))
            nn.append(-1); nnDist.append(.infinity)
            active.removeAll { $0 == best || $0 == partner }
            active.append(id)
            updateNN(id)
            for a in active where a != id {
                if nn[a] == best || nn[a] == partner {
                    updateNN(a)
                } else {
                    let d = dist(a, id)
                    if d < nnDist[a] { nnDist[a] = d; nn[a] = id }
                }
            }
        }
        var node = active[0]
        while let (a, b) = children[node] {
            let pa = vec[a].pt, pb = vec[b].pt
            if min(pa, pb) / (pa + pb) > mmdtZCut { return vec[node].mass }
            node = pa >= pb ? a : b
        }
        return vec[node].mass
    }
}
