"""Ten training steps of a PyTorch GRU forecaster, as a fixture for the Swift engine
(issue 15; llm.c's test_gpt2 checks a training trajectory the same way).

    .venv-bench/bin/python Tests/NeuralTests/Trajectories/make_trajectory.py

writes gru_adam10.json beside this script: the starting weights, ten batches (x, y), the
loss of every step, and the weights after the tenth step of Adam with gradient clipping.
float64 throughout; the Swift test runs in float32 and compares with relative error 1e-4.
"""
import json
import os

import torch

torch.manual_seed(7)
torch.set_default_dtype(torch.float64)
I, H, T, B, O, STEPS = 3, 5, 6, 4, 2, 10


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.GRU(I, H, batch_first=True)
        self.head = torch.nn.Linear(H, O)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])  # many-to-one: the last step's state


model = Model()
names = [n for n, _ in model.named_parameters()]
start = {n: p.detach().tolist() for n, p in model.named_parameters()}
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
batches, losses = [], []
for _ in range(STEPS):
    x = torch.randn(B, T, I)
    y = torch.randn(B, O)
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    optimizer.step()
    batches.append({"x": x.tolist(), "y": y.tolist()})
    losses.append(loss.item())

out = {
    "tool": "pytorch", "torch_version": torch.__version__.split("+")[0], "cell": "gru", "mode": "many2one",
    "dtype": "float64", "input_size": I, "hidden_size": H, "steps": T, "batch": B, "head_out": O,
    "loss_fn": "mean squared error over all elements", "clip_grad_norm": 0.5,
    "optimizer": "Adam lr=1e-2 betas=(0.9,0.999) eps=1e-8, one step per batch",
    "param_order": names, "params": start, "batches": batches, "losses": losses,
    "params_after": {n: p.detach().tolist() for n, p in model.named_parameters()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gru_adam10.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {path}: losses {', '.join(f'{l:.4f}' for l in losses)}")
