"""PyTorch side of the training-throughput benchmark (see TrainBench.java).

Trains the same students Graft builds (mlp: residual one-hidden-layer ReLU MLP per token;
attention-ffn: one pre-norm transformer block, exact GELU) on random data of the same shapes,
with Adam, MSE, the same batch size and epochs, on the CPU with 2 threads. Prints
samples_per_second=<float> for the timed training loop (data shuffling included, setup excluded).

--student conv trains a convolutional student given as an ONNX graph of Conv, Relu, Add and
Identity nodes (--graph; its Conv weights and biases, the initializers, are the parameters, so both
sides start from the same weights) on the arrays train_x/y.npy and held_x/y.npy of --data, with
Graft's AdamW schedule (linear warm-up over a twentieth of the steps, cosine decay to 0.05 lr);
it also prints held_out_mse=<float> after the last epoch.
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


class GraphNet(nn.Module):
    """The ONNX graph's Conv/Relu/Add/Identity nodes, in order, with its initializers as weights."""

    def __init__(self, path):
        super().__init__()
        import onnx
        from onnx import numpy_helper
        m = onnx.load(path)
        self.input = m.graph.input[0].name
        self.output = m.graph.output[0].name
        self.params = nn.ParameterDict()
        self.names = {}
        for t in m.graph.initializer:
            key = "p%d" % len(self.names)
            self.names[t.name] = key
            self.params[key] = nn.Parameter(torch.from_numpy(numpy_helper.to_array(t).copy()))
        self.nodes = []
        for n in m.graph.node:
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
            if n.op_type not in ("Conv", "Relu", "Add", "Identity"):
                raise SystemExit("unsupported op " + n.op_type)
            if n.op_type == "Conv":
                p = list(attrs.get("pads", [0, 0, 0, 0]))
                if p[0] != p[2] or p[1] != p[3]:
                    raise SystemExit("asymmetric pads")
                attrs = dict(stride=tuple(attrs.get("strides", [1, 1])), padding=(p[0], p[1]),
                             dilation=tuple(attrs.get("dilations", [1, 1])),
                             groups=attrs.get("group", 1))
            self.nodes.append((n.op_type, list(n.input), n.output[0], attrs))

    def forward(self, x):
        env = {self.input: x}

        def get(name):
            return self.params[self.names[name]] if name in self.names else env[name]
        for op, ins, out, attrs in self.nodes:
            if op == "Conv":
                b = get(ins[2]) if len(ins) > 2 and ins[2] else None
                env[out] = nn.functional.conv2d(get(ins[0]), get(ins[1]), b, **attrs)
            elif op == "Relu":
                env[out] = torch.relu(get(ins[0]))
            elif op == "Add":
                env[out] = get(ins[0]) + get(ins[1])
            else:
                env[out] = get(ins[0])
        return env[self.output]


def train_conv(a):
    import numpy as np
    load = lambda n: torch.from_numpy(np.load("%s/%s.npy" % (a.data, n)))
    x, y, hx, hy = load("train_x"), load("train_y"), load("held_x"), load("held_y")
    model = GraphNet(a.graph)
    rows = x.shape[0]
    steps = rows // a.batch
    total = steps * a.epochs
    warm = max(1, total // 20)

    def lr_at(t):
        if t <= warm:
            return a.lr * t / warm
        cos = 0.5 * (1 + math.cos(math.pi * min(1.0, (t - warm) / max(1, total - warm))))
        return a.lr * (0.05 + 0.95 * cos)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.0)
    g = torch.Generator().manual_seed(0)
    t = 0
    start = time.perf_counter()
    cpu0 = time.process_time()
    for _ in range(a.epochs):
        perm = torch.randperm(rows, generator=g)
        for s in range(steps):
            t += 1
            for group in opt.param_groups:
                group["lr"] = lr_at(t)
            idx = perm[s * a.batch:(s + 1) * a.batch]
            loss = nn.functional.mse_loss(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    with torch.no_grad():
        err = sum(((model(hx[i:i + 512]) - hy[i:i + 512]) ** 2).sum().item()
                  for i in range(0, hx.shape[0], 512))
    print(f"final_loss={loss.item():.6f}")
    print(f"held_out_mse={err / hy.numel():.6f}")
    print(f"cpu_ms_per_step={1e3 * cpu / total:.2f}")
    print(f"samples_per_second={steps * a.batch * a.epochs / elapsed:.1f}")


def conv_ops(a):
    """Median and fastest ms of aten::convolution_backward for the weight and the input gradient."""
    for i, spec in enumerate(a.shapes.split(";")):
        c, h, w, o, k, st, pd = (int(v) for v in spec.split(","))
        x = torch.randn(a.batch, c, h, w)
        wt = torch.randn(o, c, k, k)
        y = nn.functional.conv2d(x, wt, stride=st, padding=pd)
        dy = torch.randn_like(y)
        for name, mask in (("weight", [False, True, False]), ("input", [True, False, False])):
            times = []
            cpu0 = 0.0
            for r in range(a.runs + 5):
                if r == 5:
                    cpu0 = time.process_time()
                t0 = time.perf_counter()
                torch.ops.aten.convolution_backward(dy, x, wt, None, [st, st], [pd, pd], [1, 1],
                                                    False, [0, 0], 1, mask)
                if r >= 5:
                    times.append((time.perf_counter() - t0) * 1e3)
            times.sort()
            print(f"{name}_ms_{i}={times[len(times) // 2]:.4f}")
            print(f"{name}_min_ms_{i}={times[0]:.4f}")
            print(f"{name}_cpu_ms_{i}={(time.process_time() - cpu0) * 1e3 / a.runs:.4f}")


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
    p.add_argument("--graph")
    p.add_argument("--data")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--shapes")
    p.add_argument("--runs", type=int, default=40)
    a = p.parse_args()
    if a.student == "conv-ops":
        conv_ops(a)
        return
    if a.student == "conv":
        train_conv(a)
        return
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
