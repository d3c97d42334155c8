#!/usr/bin/env python3
"""The generator of this folder's PyTorch fixtures (issue 30: a fixture can be re-made and a
new cell added by the next maintainer). Run it in the bench venv (`make bench-deps`):

    make fixtures                         # every file of this folder, as FixtureTests reads them
    .venv-bench/bin/python Tests/NeuralTests/Fixtures/generate.py --seed 3 --cell lstm --mode many2many > new.json

`--all DIR` writes the twelve dumps (three cells x two modes x two sizes: seed 1 with the
default sizes, seed 2 with input 4, hidden 16, 12 steps, batch 3, horizon 6) and the
two-layer safetensors file with its input and PyTorch's prediction (`safetensors/`).
A new cell: add it to `--cell` (and `manual_loss` for `--selfcheck`) and to CELLS below.

One forward and backward pass (and one Adam step) of a tiny recurrent forecaster,
printed as JSON (the team's `bench/gru_reference.py`, kept here so the fixtures stand
with the project):
Numerical reference for checking a GRU (or LSTM / tanh-RNN) implementation
against PyTorch: one forward + backward pass (and one Adam step) of a tiny
forecaster, printed as JSON.

Model: 1-layer nn.GRU(input_size=3, hidden_size=5, batch_first=True), h0 = 0,
then a Linear head:
    many2one  (default): pred[b] = W_o @ h_T[b] + b_o          pred: [B, 2]
    many2many:           pred[b,t] = W_o @ h_t[b] + b_o        pred: [B, T, 1]
    loss = mean((pred - y)^2)   (nn.MSELoss, mean over every element)
Input x is [B=2, T=4, I=3] (batch-major, like batch_first=True).

Known weights, without torch's RNG: every number (parameters in the order
listed in "param_order", each row-major; then x; then y) is drawn in turn from
one splitmix64 stream seeded with --seed:
    state += 0x9E3779B97F4A7C15 (mod 2^64); z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
    out = z ^ (z >> 31);  k = out >> 40  (top 24 bits)
    parameter = k / 2^24 - 0.5      in [-0.5, 0.5)
    x, y      = k / 2^23 - 1        in [-1, 1)
All of these are exact in float32, so a Swift Float or Double implementation
can regenerate them bit for bit (or read them from "params", "x", "y").

PyTorch GRU (gate order r, z, n in the stacked [3H, *] weights):
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h
LSTM gate order is (i, f, g, o); RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).

Computed in float64 by default (an exact reference for the float32 inputs);
--dtype float32 gives what PyTorch itself gets in single precision.
"""
import argparse
import json
import os
import subprocess
import sys

import torch
from torch import nn

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def param(self):  # [-0.5, 0.5), exact in float32
        return (self.next() >> 40) / float(1 << 24) - 0.5

    def data(self):   # [-1, 1), exact in float32
        return (self.next() >> 40) / float(1 << 23) - 1.0


def fill(t, draw):
    flat = [draw() for _ in range(t.numel())]
    with torch.no_grad():
        t.copy_(torch.tensor(flat, dtype=torch.float64).reshape(t.shape))


def tolist(t):
    return t.detach().to(torch.float64).tolist()


def main():
    p = argparse.ArgumentParser(description="GRU/LSTM/RNN numerics reference (JSON)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--cell", choices=["gru", "lstm", "rnn_tanh"], default="gru")
    p.add_argument("--mode", choices=["many2one", "many2many"], default="many2one")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--input", type=int, default=3)
    p.add_argument("--hidden", type=int, default=5)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--horizon", type=int, default=2, help="head outputs in many2one mode")
    p.add_argument("--selfcheck", action="store_true",
                   help="also recompute the forward pass from the equations above and "
                        "check gradients by central differences (float64); result in "
                        "\"selfcheck\"")
    a = p.parse_args()
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    I, H, T, B = a.input, a.hidden, a.steps, a.batch
    O = a.horizon if a.mode == "many2one" else 1
    if a.cell == "gru":
        rnn = nn.GRU(I, H, 1, batch_first=True)
    elif a.cell == "lstm":
        rnn = nn.LSTM(I, H, 1, batch_first=True)
    else:
        rnn = nn.RNN(I, H, 1, nonlinearity="tanh", batch_first=True)
    head = nn.Linear(H, O)
    rnn, head = rnn.to(dtype), head.to(dtype)

    rng = SplitMix64(a.seed)
    named = [("rnn." + n, prm) for n, prm in rnn.named_parameters()] + \
            [("head." + n, prm) for n, prm in head.named_parameters()]
    for _, prm in named:
        fill(prm, rng.param)
    x = torch.empty(B, T, I, dtype=dtype)
    fill(x, rng.data)
    y = torch.empty(B, O, dtype=dtype) if a.mode == "many2one" else torch.empty(B, T, 1, dtype=dtype)
    fill(y, rng.data)
    x.requires_grad_(True)

    params0 = {n: tolist(prm) for n, prm in named}
    out, hN = rnn(x)                                   # out: [B, T, H]
    pred = head(out[:, -1, :]) if a.mode == "many2one" else head(out)
    loss = nn.functional.mse_loss(pred, y)
    loss.backward()

    grads = {n: tolist(prm.grad) for n, prm in named}
    opt = torch.optim.Adam([prm for _, prm in named], lr=1e-3)
    opt.step()
    after = {n: tolist(prm) for n, prm in named}

    gate_order = {"gru": "r,z,n", "lstm": "i,f,g,o", "rnn_tanh": "-"}[a.cell]
    res = {
        "tool": "pytorch", "torch_version": torch.__version__.split("+")[0],
        "seed": a.seed, "cell": a.cell, "mode": a.mode, "dtype": a.dtype,
        "input_size": I, "hidden_size": H, "steps": T, "batch": B, "head_out": O,
        "gate_order": gate_order,
        "param_order": [n for n, _ in named],
        "param_shapes": {n: list(prm.shape) for n, prm in named},
        "layout": "weight_ih: [G*H, I], weight_hh: [G*H, H] (G gates stacked in gate_order), "
                  "head.weight: [O, H]; x: [B, T, I]; rnn_out: [B, T, H]; h0 = 0",
        "loss_fn": "mean squared error over all elements of pred",
        "optimizer": "Adam lr=1e-3 betas=(0.9,0.999) eps=1e-8, one step from params",
        "params": params0,
        "x": tolist(x), "y": tolist(y),
        "rnn_out": tolist(out), "h_T": tolist((hN[0] if a.cell == "lstm" else hN)[0]),
        "pred": tolist(pred), "loss": float(loss.detach()),
        "grads": grads, "grad_x": tolist(x.grad),
        "params_after_adam_step": after,
    }
    if a.cell == "lstm":
        res["c_T"] = tolist(hN[1][0])
    if a.selfcheck:
        res["selfcheck"] = selfcheck(a.cell, a.mode, params0, res["x"], res["y"], res["loss"],
                                     res["pred"], grads, res["grad_x"])
    # one top-level key per line, arrays kept compact
    print("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in res.items()) + "\n}")


def manual_loss(cell, mode, P, x, y):
    """Forward pass written out from the documented equations (float64)."""
    d = torch.float64
    Wih, Whh = torch.tensor(P["rnn.weight_ih_l0"], dtype=d), torch.tensor(P["rnn.weight_hh_l0"], dtype=d)
    bih, bhh = torch.tensor(P["rnn.bias_ih_l0"], dtype=d), torch.tensor(P["rnn.bias_hh_l0"], dtype=d)
    Wo, bo = torch.tensor(P["head.weight"], dtype=d), torch.tensor(P["head.bias"], dtype=d)
    x, y = torch.tensor(x, dtype=d), torch.tensor(y, dtype=d)
    B, T, _ = x.shape
    H = Whh.shape[1]
    h = torch.zeros(B, H, dtype=d)
    c = torch.zeros(B, H, dtype=d)
    hs = []
    for t in range(T):
        gi = x[:, t] @ Wih.T + bih
        gh = h @ Whh.T + bhh
        if cell == "gru":
            r = torch.sigmoid(gi[:, :H] + gh[:, :H])
            z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
            n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
            h = (1 - z) * n + z * h
        elif cell == "lstm":
            g = gi + gh
            i, f = torch.sigmoid(g[:, :H]), torch.sigmoid(g[:, H:2 * H])
            gg, o = torch.tanh(g[:, 2 * H:3 * H]), torch.sigmoid(g[:, 3 * H:])
            c = f * c + i * gg
            h = o * torch.tanh(c)
        else:
            h = torch.tanh(gi + gh)
        hs.append(h)
    pred = hs[-1] @ Wo.T + bo if mode == "many2one" else torch.stack(hs, 1) @ Wo.T + bo
    return float(((pred - y) ** 2).mean()), pred


def selfcheck(cell, mode, P, x, y, loss, pred, grads, grad_x, eps=1e-6):
    ml, mpred = manual_loss(cell, mode, P, x, y)
    worst_grad = 0.0
    for name, g in list(grads.items()) + [("x", grad_x)]:
        base = P if name != "x" else {"x": x}
        flat = torch.tensor(base[name], dtype=torch.float64).flatten()
        gflat = torch.tensor(g, dtype=torch.float64).flatten()
        for k in range(flat.numel()):
            vals = []
            for sgn in (1, -1):
                f2 = flat.clone()
                f2[k] += sgn * eps
                shaped = f2.reshape(torch.tensor(base[name]).shape).tolist()
                if name == "x":
                    vals.append(manual_loss(cell, mode, P, shaped, y)[0])
                else:
                    vals.append(manual_loss(cell, mode, {**P, name: shaped}, x, y)[0])
            fd = (vals[0] - vals[1]) / (2 * eps)
            worst_grad = max(worst_grad, abs(fd - float(gflat[k])))
    return {"loss_abs_diff": abs(ml - loss),
            "pred_max_abs_diff": float((mpred - torch.tensor(pred, dtype=torch.float64)).abs().max()),
            "grad_max_abs_diff_vs_central_differences": worst_grad,
            "eps": eps}


CELLS = ["gru", "lstm", "rnn_tanh"]
SIZES = {"seed1": ["--seed", "1"],
         "seed2_h16": ["--seed", "2", "--input", "4", "--hidden", "16", "--steps", "12", "--batch", "3", "--horizon", "6"]}


def safetensors_fixture(folder):
    """A two-layer GRU(2, 3) with a Linear(3, 4) head, saved by `safetensors.torch.save_file`
    (metadata source=torch), and its prediction for a fixed input (SafeTensorsTests)."""
    from safetensors.torch import save_file
    torch.manual_seed(0)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(2, 3, 2, batch_first=True)
            self.head = nn.Linear(3, 4)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1, :])

    model = Model().eval()
    x = torch.linspace(-1, 1, 20).reshape(2, 5, 2)
    with torch.no_grad():
        pred = model(x)
    os.makedirs(os.path.join(folder, "safetensors"), exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(folder, "safetensors", "pytorch_gru_2layer.safetensors"), metadata={"source": "torch"})
    with open(os.path.join(folder, "safetensors", "pytorch_gru_2layer_io.json"), "w") as f:
        json.dump({"x": x.tolist(), "pred": pred.tolist()}, f)


def generate_all(folder):
    """Every fixture of this folder, by running this script once per file."""
    script = os.path.abspath(__file__)
    for cell in CELLS:
        for mode in ["many2one", "many2many"]:
            for suffix, args in SIZES.items():
                out = subprocess.run([sys.executable, script, "--cell", cell, "--mode", mode] + args,
                                     check=True, capture_output=True, text=True).stdout
                with open(os.path.join(folder, f"{cell}_{mode}_{suffix}.json"), "w") as f:
                    f.write(out)
    safetensors_fixture(folder)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--all":
        generate_all(sys.argv[2])
    else:
        main()
