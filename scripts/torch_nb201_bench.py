#!/usr/bin/env python3
"""PyTorch side of `naskit bench engine --compare-torch`: the same NAS-Bench-201 network (every edge
nor_conv_3x3, C=16, N=5, 3x32x32 input, 10 classes, BN in training mode), the same batch and threads,
timing forward and a full training step (forward + backward + SGD-momentum update).
Prints one JSON object. Needs PyTorch (Debian: apt-get install python3-torch).

Usage: python3 scripts/torch_nb201_bench.py --threads 2 --batch 64 --repeats 10 --warmup 3
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride, pad):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout))


class Cell(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList([ReLUConvBN(c, c, 3, 1, 1) for _ in range(6)])

    def forward(self, x):
        e = self.edges
        n1 = e[0](x)
        n2 = e[1](x) + e[2](n1)
        return e[3](x) + e[4](n1) + e[5](n2)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2, 1)
        self.b = ReLUConvBN(cout, cout, 3, 1, 1)
        self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.down(x) + self.b(self.a(x))


class Net(nn.Module):
    def __init__(self, c=16, n=5, classes=10):
        super().__init__()
        layers = [nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)]
        for stage in range(3):
            ch = c * 2**stage
            if stage > 0:
                layers.append(ResBlock(ch // 2, ch))
            layers += [Cell(ch) for _ in range(n)]
        layers += [nn.BatchNorm2d(4 * c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(4 * c, classes)

    def forward(self, x):
        return self.head(self.body(x))


def median_ms(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--repeats', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = Net().train()
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def forward():
        with torch.no_grad():
            net(x)

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward()
        opt.step()

    fwd = median_ms(forward, args.repeats, args.warmup)
    train = median_ms(step, args.repeats, args.warmup)
    print(json.dumps({'engine': f'pytorch {torch.__version__}', 'forward_ms': fwd, 'train_step_ms': train,
                      'threads': args.threads, 'batch': args.batch,
                      'params': sum(p.numel() for p in net.parameters())}))


if __name__ == '__main__':
    main()
