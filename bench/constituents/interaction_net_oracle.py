# Interaction-network-like oracle: pairwise edge MLP, sum over partners, node MLP, sum, head.
import os, pickle, sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1); torch.manual_seed(0)
X16, F, Y, N = pickle.load(open(os.path.join(os.environ['ORACLE_DIR'], sys.argv[1] + '.pkl'), 'rb'))
epochs = int(sys.argv[2]); nuse = int(sys.argv[3]) if len(sys.argv) > 3 else len(Y)
X16, Y = X16[:nuse], Y[:nuse]
n = len(Y); ntr = int(0.8 * n)
X = torch.tensor(X16 * np.array([4, 8, 8, 1]), dtype=torch.float32); Yt = torch.tensor(Y)
mask = torch.tensor(X16[:, :, 0] > 0, dtype=torch.float32)
class IN(nn.Module):
    def __init__(s):
        super().__init__()
        s.e = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        s.o = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
        s.h = nn.Sequential(nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 5))
    def forward(s, x, m):
        B, P, _ = x.shape
        xi = x[:, :, None, :].expand(B, P, P, 4); xj = x[:, None, :, :].expand(B, P, P, 4)
        e = s.e(torch.cat([xi, xj], -1)) * (m[:, :, None, None] * m[:, None, :, None])
        h = s.o(torch.cat([x, e.sum(2)], -1)) * m[:, :, None]
        return s.h(h.sum(1))
m = IN(); opt = torch.optim.Adam(m.parameters(), 3e-3); sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
for ep in range(epochs):
    perm = torch.randperm(ntr)
    for i in range(0, ntr, 128):
        idx = perm[i:i+128]
        loss = nn.functional.cross_entropy(m(X[idx], mask[idx]), Yt[idx]); opt.zero_grad(); loss.backward(); opt.step()
    sch.step()
    if ep % 5 == 4 or ep == epochs - 1:
        with torch.no_grad(): acc = (m(X[ntr:], mask[ntr:]).argmax(1) == Yt[ntr:]).float().mean().item()
        print(ep, 'IN test acc', round(acc, 4), flush=True)
