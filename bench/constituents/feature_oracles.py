# Oracle (estimate, not the tool): gradient-boosted trees / MLP on a generator_port.py data set (features, features + charge sums, raw values).
import os, pickle, sys, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.neural_network import MLPClassifier
X16, F, Y, N = pickle.load(open(os.path.join(os.environ['ORACLE_DIR'], sys.argv[1] + '.pkl'), 'rb'))
n = len(Y); ntr = int(0.8 * n)
z = X16[:, :, 0]; q = X16[:, :, 3]
cs = np.stack([(q * z**k).sum(1) for k in (0.3, 0.5, 1)] + [np.abs((q*z**0.5).sum(1)), (q != 0).sum(1), q[:, 0], q[:, 1], q[:, 0]*q[:, 1]], 1)
def gbt(X, name):
    m = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, early_stopping=True, random_state=0).fit(X[:ntr], Y[:ntr])
    print(f'{name}: GBT {m.score(X[ntr:], Y[ntr:]):.4f}', flush=True)
def mlp(X, name):
    s = StandardScaler().fit(X[:ntr])
    m = MLPClassifier((64, 32, 32), early_stopping=True, max_iter=200, random_state=0).fit(s.transform(X[:ntr]), Y[:ntr])
    print(f'{name}: MLP {m.score(s.transform(X[ntr:]), Y[ntr:]):.4f}', flush=True)
print('mean n', N.mean(), 'per class', [N[Y == c].mean().round(1) for c in range(5)])
gbt(F, 'features')
mlp(F, 'features')
gbt(np.concatenate([F, cs], 1), 'features+charges')
gbt(X16.reshape(n, -1), 'raw64')
