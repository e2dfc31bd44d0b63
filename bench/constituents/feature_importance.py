# Oracle (estimate, not the tool): feature-importance probes on a generator_port.py data set.
import os, pickle, sys, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier as H
X16, F, Y, N = pickle.load(open(os.path.join(os.environ['ORACLE_DIR'], sys.argv[1] + '.pkl'), 'rb'))
n=len(Y); t=int(.8*n)
z=X16[:,:,0]; de=X16[:,:,1]; dp=X16[:,:,2]; r2=de**2+dp**2
simple=np.stack([ (z*r2).sum(1), (z*np.sqrt(r2)).sum(1), (z**2).sum(1), (z>0).sum(1), z[:,0], z[:,1], z[:,2]],1)
for name, X in [('all',F), ('no mmdt', np.delete(F,14,1)), ('no mmdt,count', np.delete(F,[14,15],1)), ('mmdt+count', F[:,14:16]), ('simple sums', simple), ('simple+mmdt', np.c_[simple, F[:,14]])]:
    m=H(max_iter=200,early_stopping=True,random_state=0).fit(X[:t],Y[:t]); print(name, round(m.score(X[t:],Y[t:]),4), flush=True)
