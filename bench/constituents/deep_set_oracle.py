# Oracle (estimate, not the tool): a float deep set in PyTorch on a generator_port.py data set. Args: name width pool(sum|max|both) epochs scale.
import os, pickle, sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1); torch.manual_seed(0)
X16, F, Y, N = pickle.load(open(os.path.join(os.environ['ORACLE_DIR'], sys.argv[1] + '.pkl'), 'rb'))
w = int(sys.argv[2]) if len(sys.argv) > 2 else 32
pool = sys.argv[3] if len(sys.argv) > 3 else 'sum'
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 40
n = len(Y); ntr = int(0.8 * n)
S = np.array([float(v) for v in sys.argv[5].split(',')] if len(sys.argv) > 5 else [1, 1, 1, 1]); X = torch.tensor(X16 * S, dtype=torch.float32); Yt = torch.tensor(Y)
class DS(nn.Module):
    def __init__(s):
        super().__init__()
        s.phi = nn.Sequential(nn.Linear(4, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU())
        k = w * (2 if pool == 'both' else 1)
        s.rho = nn.Sequential(nn.Linear(k, 32), nn.ReLU(), nn.Linear(32, 5))
    def forward(s, x):
        h = s.phi(x)
        if pool == 'sum': p = h.sum(1)
        elif pool == 'max': p = h.max(1).values
        else: p = torch.cat([h.sum(1), h.max(1).values], 1)
        return s.rho(p)
m = DS(); opt = torch.optim.Adam(m.parameters(), 3e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
for ep in range(epochs):
    perm = torch.randperm(ntr)
    m.train()
    for i in range(0, ntr, 64):
        idx = perm[i:i+64]
        loss = nn.functional.cross_entropy(m(X[idx]), Yt[idx])
        opt.zero_grad(); loss.backward(); opt.step()
    sched.step()
    if ep % 10 == 9 or ep == epochs - 1:
        with torch.no_grad():
            acc = (m(X[ntr:]).argmax(1) == Yt[ntr:]).float().mean().item()
        print(ep, round(loss.item(), 3), 'test acc', round(acc, 4), flush=True)
