# Oracle input (estimate, not the tool): a statistical port of JetConstituentGenerator (not bit-identical) for tuning oracles.
import numpy as np, math, sys
from dataclasses import dataclass, field, replace

@dataclass
class Tune:
    q: tuple = (7.7, 2.35, 0.014)
    g: tuple = (10.4, 1.75, 0.0185)
    b: tuple = (10.0, 2.0, 0.016)
    mexp: float = 0.35
    gsplit: float = 0.72; qsplit: float = 0.53; dsplit: float = 0.15; tbsplit: float = 0.2
    splitZ: tuple = (0.05, 0.5); splitAngle: tuple = (0.03, 0.6)
    ue: float = 10; uept: float = 1.5
    ptres: float = 0.0; angres: float = 0.0
    strange: float = 0.2; up: float = 0.65; anti: float = 0.15; zup: float = 0.35; rank: float = 0.0; uech: float = 0.6
    threshold: float = 0.5
    keep: int = 10**6   # candidates kept (hardest) before features

def wrap(p):
    p = math.fmod(p, 2 * math.pi)
    if p >= math.pi: p -= 2 * math.pi
    if p < -math.pi: p += 2 * math.pi
    return p

def fv(pt, eta, phi, m=0.0):
    px, py, pz = pt * math.cos(phi), pt * math.sin(phi), pt * math.sinh(eta)
    return np.array([math.sqrt(px*px+py*py+pz*pz+m*m), px, py, pz])

def v_pt(v): return math.hypot(v[1], v[2])
def v_eta(v):
    pt = v_pt(v)
    if pt < 1e-9: return 20.0 if v[3] >= 0 else -20.0
    return math.asinh(v[3] / pt)
def v_phi(v): return math.atan2(v[2], v[1])
def v_mass(v): return math.sqrt(max(0.0, v[0]**2 - v[1]**2 - v[2]**2 - v[3]**2))

def boost(v, f):
    m = v_mass(f)
    if m <= 0: return v
    b = f[1:] / f[0]; b2 = b @ b
    if b2 <= 0: return v
    gamma = f[0] / m; bp = b @ v[1:]; g2 = (gamma - 1) / b2
    return np.concatenate([[gamma * (v[0] + bp)], v[1:] + g2 * bp * b + gamma * b * v[0]])

def two_body(rng, parent, m1, m2):
    m = v_mass(parent); s = m * m
    ps = math.sqrt(max(0, (s - (m1+m2)**2) * (s - (m1-m2)**2))) / (2*m)
    c = rng.uniform(-1, 1); sn = math.sqrt(1 - c*c); ph = rng.uniform(0, 2*math.pi)
    d = np.array([ps*sn*math.cos(ph), ps*sn*math.sin(ph), ps*c])
    d1 = np.concatenate([[math.sqrt(ps*ps+m1*m1)], d]); d2 = np.concatenate([[math.sqrt(ps*ps+m2*m2)], -d])
    return boost(d1, parent), boost(d2, parent)

def bw(rng, mass, width):
    while True:
        m = mass + 0.5 * width * math.tan(math.pi * (rng.uniform() - 0.5))
        if abs(m - mass) <= 5 * width and m > 0: return m

class Gen:
    def __init__(self, t, seed):
        self.t = t; self.rng = np.random.default_rng(seed); self.fl = np.random.default_rng(seed + 7777)
    def pair(self):
        f = self.fl
        return -1 if f.uniform() < self.t.strange else (2 if f.uniform() < 0.5 else -1)
    def rend(self):
        x = self.pair(); return x if self.fl.uniform() < 0.5 else -x
    def lightq(self):
        q = 2 if self.fl.uniform() < self.t.up else -1
        return -q if self.fl.uniform() < self.t.anti else q
    def charges(self, x, end):
        key = x * np.exp(self.t.rank * self.fl.normal(size=len(x)))
        ch = np.zeros(len(x), int); op = end
        for i in np.argsort(-key, kind='stable'):
            f = self.pair(); isq = op in (2, -1)
            ch[i] = (op - f if isq else op + f) // 3
            op = f if isq else -f
        return ch
    def frag(self, parton):
        return {'q': self.t.q, 'g': self.t.g, 'b': self.t.b}[parton]
    def hadronise(self, p, parton, end, out):
        mult, hard, width = self.frag(parton)
        pt, eta, phi = v_pt(p), v_eta(p), v_phi(p)
        energy = max(pt, 1)
        n = max(1, self.rng.poisson(mult * (energy / 100) ** self.t.mexp))
        x = (1 - self.rng.uniform(size=n)) ** hard; x /= x.sum()
        th0 = width * math.sqrt(1000 / energy)
        ch = self.charges(x, end)
        sig = np.minimum(0.5, th0 / np.sqrt(x * n))
        de = self.rng.normal(size=n); dp = self.rng.normal(size=n)
        for i in range(n): out.append([x[i]*pt, eta + sig[i]*de[i], phi + sig[i]*dp[i], ch[i]])
    def shower(self, p, parton, charge, sp, out):
        r = self.rng
        if r.uniform() >= sp: return self.hadronise(p, parton, charge, out)
        lu = lambda rg: rg[0] * (rg[1]/rg[0]) ** r.uniform()
        z = lu(self.t.splitZ); th = lu(self.t.splitAngle); psi = r.uniform(0, 2*math.pi)
        pt, eta, phi = v_pt(p), v_eta(p), v_phi(p)
        soft = fv(z*pt, eta + th*math.cos(psi), phi + th*math.sin(psi))
        hardv = fv((1-z)*pt, eta - z*th*math.cos(psi), phi - z*th*math.sin(psi))
        self.hadronise(hardv, parton, charge, out)
        self.hadronise(soft, 'g', self.rend(), out)
    def jet(self, cls):
        r, t = self.rng, self.t
        pt = max(600, r.normal(1000, 90)); out = []
        sign = 1 if self.fl.uniform() < 0.5 else -1
        if cls == 0: self.shower(fv(pt, 0, 0), 'g', self.rend(), t.gsplit, out)
        elif cls == 1: self.shower(fv(pt, 0, 0), 'q', self.lightq(), t.qsplit, out)
        elif cls in (2, 3):
            mass = bw(r, 80.4, 2.1) if cls == 2 else bw(r, 91.19, 2.5)
            a, b = two_body(r, fv(pt, 0, 0, mass), 0, 0)
            parton = 'b' if (cls == 3 and r.uniform() < 0.15) else 'q'
            q = -1 if (parton == 'b' or self.fl.uniform() >= t.zup) else 2
            c = (2*sign, sign) if cls == 2 else (q*sign, -q*sign)
            self.shower(a, parton, c[0], t.dsplit, out); self.shower(b, parton, c[1], t.dsplit, out)
        else:
            parent = fv(pt, 0, 0, bw(r, 172.5, 1.4))
            b, w = two_body(r, parent, 4.8, bw(r, 80.4, 2.1))
            q1, q2 = two_body(r, w, 0, 0)
            self.shower(b, 'b', -sign, t.tbsplit, out)
            self.shower(q1, 'q', 2*sign, t.dsplit, out)
            self.shower(q2, 'q', sign, t.dsplit, out)
        for _ in range(r.poisson(t.ue)):
            rr = 0.8 * math.sqrt(r.uniform()); a = r.uniform(0, 2*math.pi)
            c = 0
            if self.fl.uniform() < t.uech: c = 1 if self.fl.uniform() < 0.5 else -1
            out.append([0.3 + r.exponential(t.uept), rr*math.cos(a), rr*math.sin(a), c])
        P = np.array(out, float)
        if t.ptres > 0 or t.angres > 0:
            n = len(P)
            P[:, 0] = P[:, 0] * np.maximum(0.05, 1 + t.ptres / np.sqrt(P[:, 0]) * r.normal(size=n))
            P[:, 1] += t.angres * r.normal(size=n); P[:, 2] += t.angres * r.normal(size=n)
        P = P[P[:, 0] >= t.threshold]
        vecs = [fv(*p[:3]) for p in P]
        ax = np.sum(vecs, axis=0); ae, ap = v_eta(ax), v_phi(ax)
        de = P[:, 1] - ae; dp = np.array([wrap(x - ap) for x in P[:, 2]])
        P = P[de*de + dp*dp < 0.64]
        if len(P) == 0: P = np.array([[pt, 0, 0, 0]])
        P = P[np.argsort(-P[:, 0], kind='stable')][:t.keep]
        vecs = [fv(*p[:3]) for p in P]
        ax = np.sum(vecs, axis=0); ae, ap = v_eta(ax), v_phi(ax)
        P[:, 1] -= ae; P[:, 2] = [wrap(x - ap) for x in P[:, 2]]
        return P

def mmdt(P):
    vec = [fv(*p[:3]) for p in P]; eta = list(P[:, 1]); phi = list(P[:, 2])
    children = [None] * len(vec); active = list(range(len(vec)))
    while len(active) > 1:
        best = None
        for ii in range(len(active)):
            for jj in range(ii+1, len(active)):
                a, b = active[ii], active[jj]
                d = (eta[a]-eta[b])**2 + wrap(phi[a]-phi[b])**2
                if best is None or d < best[0]: best = (d, a, b)
        _, a, b = best
        m = vec[a] + vec[b]; vec.append(m); eta.append(v_eta(m)); phi.append(v_phi(m)); children.append((a, b))
        active = [x for x in active if x not in (a, b)] + [len(vec)-1]
    node = active[0]
    while children[node] is not None:
        a, b = children[node]; pa, pb = v_pt(vec[a]), v_pt(vec[b])
        if min(pa, pb) / (pa + pb) > 0.1: return v_mass(vec[node])
        node = a if pa >= pb else b
    return v_mass(vec[node])

def features(P):
    z = P[:, 0] / P[:, 0].sum(); n = len(z)
    eta, phi = P[:, 1], P[:, 2]
    de = eta[:, None] - eta[None, :]; dp = np.mod(phi[:, None] - phi[None, :] + np.pi, 2*np.pi) - np.pi
    D = np.sqrt(de*de + dp*dp)
    zlogz = float(np.sum(z * np.log(z)))
    iu = np.triu_indices(n, 1); zz = (z[:, None]*z[None, :])[iu]; d = D[iu]
    e0, e1, e2 = zz.sum(), (zz*d).sum(), (zz*d*d).sum()
    m = min(n, 24); v = np.zeros(6)
    if m >= 3:
        i, j, k = np.array([(i, j, k) for i in range(m) for j in range(i+1, m) for k in range(j+1, m)]).T
        zzz = z[i]*z[j]*z[k]
        s = np.sort(np.stack([D[i, j], D[i, k], D[j, k]], 1), 1); a, b, c = s.T
        ab = a*b; abc = ab*c
        v = np.array([(zzz*a).sum(), (zzz*a*a).sum(), (zzz*ab).sum(), (zzz*ab*ab).sum(), (zzz*abc).sum(), (zzz*abc*abc).sum()])
    v1b1, v1b2, v2b1, v2b2, v3b1, v3b2 = v
    R = lambda a, b: a / b if b > 1e-12 else 0.0
    return [zlogz, e0, e1, e2, R(v3b1, e1*e1), R(v3b2, e2*e2), R(v3b1, e1**3), R(v3b2, e2**3), R(v3b1, e1**3),
            R(v3b1, e2**1.5), R(v1b1, e1), R(v1b2, e2), R(v2b1, e1*e1), R(v2b2, e2*e2), mmdt(P), float(n)]

def dataset(t, n, seed):
    g = Gen(t, seed); X16 = np.zeros((n, 16, 4)); F = np.zeros((n, 16)); Y = np.arange(n) % 5; N = np.zeros(n)
    for e in range(n):
        P = g.jet(Y[e]); N[e] = len(P)
        F[e] = features(P)
        k = min(16, len(P)); pj = P[:, 0].sum()
        X16[e, :k, 0] = P[:k, 0] / pj; X16[e, :k, 1:3] = np.clip(P[:k, 1:3], -1, 1); X16[e, :k, 3] = P[:k, 3]
    return X16, F, Y, N

if __name__ == '__main__':
    import os, pickle, time
    name = sys.argv[1]; n = int(sys.argv[2]); kw = {k.strip(): (int(v) if k.strip() == 'keep' else float(v)) for k, v in (a.split('=') for a in sys.argv[3:])}
    t0 = time.time(); d = dataset(Tune(**kw), n, 5)
    pickle.dump(d, open(os.path.join(os.environ['ORACLE_DIR'], name + '.pkl'), 'wb')); print(name, 'gen', time.time() - t0, 's; mean n', d[3].mean(), 'frac>16', (d[3] > 16).mean())
