"""One epoch of the same tagger in PyTorch (CPU, 2 threads), for comparison.

Random inputs of the generated set's shape (80k x 16, 5 classes): the time
per epoch does not depend on the values.
"""
import sys, time
import torch

torch.set_num_threads(2)
n, batch = 80_000, 256
x = torch.randn(n, 16)
y = torch.randint(0, 5, (n,))
model = torch.nn.Sequential(
    torch.nn.Linear(16, 64), torch.nn.ReLU(), torch.nn.Linear(64, 32), torch.nn.ReLU(),
    torch.nn.Linear(32, 32), torch.nn.ReLU(), torch.nn.Linear(32, 5))
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(3):
    start = time.perf_counter()
    perm = torch.randperm(n)
    for i in range(0, n, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    print(f"torch {torch.__version__}: epoch {epoch + 1}: {time.perf_counter() - start:.3f} s (80k jets)")
