"""PyTorch side of the training-throughput benchmark (see TrainBench.java).

Trains the same students Graft builds (mlp: residual one-hidden-layer ReLU MLP per token;
attention-ffn: one pre-norm transformer block, exact GELU) on random data of the same shapes,
with Adam, MSE, the same batch size and epochs, on the CPU with 2 threads. Prints
samples_per_second=<float> for the timed training loop (data shuffling included, setup excluded).
"""
import argparse
import math
import time

import torch
from torch import nn

torch.set_num_threads(int(__import__("os").environ.get("BENCH_THREADS", "2")))


class Mlp(nn.Module):
    def __init__(self, d, width):
        super().__init__()
        self.a = nn.Linear(d, width)
        self.b = nn.Linear(width, d)

    def forward(self, x):
        return x + self.b(torch.relu(self.a(x)))


class Block(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.h = heads
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.f1 = nn.Linear(d, ffn)
        self.f2 = nn.Linear(ffn, d)

    def forward(self, x):
        b, t, d = x.shape
        dh = d // self.h
        h = self.ln1(x)
        q = self.q(h).reshape(b, t, self.h, dh).transpose(1, 2)
        k = self.k(h).reshape(b, t, self.h, dh).permute(0, 2, 3, 1)
        v = self.v(h).reshape(b, t, self.h, dh).transpose(1, 2)
        a = torch.softmax(q @ k / math.sqrt(dh), dim=-1)
        o = (a @ v).transpose(1, 2).reshape(b, t, d)
        x1 = x + self.o(o)
        return x1 + self.f2(nn.functional.gelu(self.f1(self.ln2(x1))))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--student", default="attention-ffn")
    p.add_argument("--rows", type=int, default=4096)
    p.add_argument("--tokens", type=int, default=8)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=128)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=5)
    a = p.parse_args()
    torch.manual_seed(0)
    x = torch.randn(a.rows, a.tokens, a.dim)
    y = torch.tanh(x) + 0.1 * torch.randn(a.rows, a.tokens, a.dim)
    model = Mlp(a.dim, a.width) if a.student == "mlp" else Block(a.dim, a.heads, a.ffn)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps = a.rows // a.batch
    start = time.perf_counter()
    for _ in range(a.epochs):
        perm = torch.randperm(a.rows)
        for s in range(steps):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            loss = nn.functional.mse_loss(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    elapsed = time.perf_counter() - start
    print(f"final_loss={loss.item():.6f}")
    print(f"samples_per_second={steps * a.batch * a.epochs / elapsed:.1f}")


if __name__ == "__main__":
    main()
