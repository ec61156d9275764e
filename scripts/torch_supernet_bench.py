#!/usr/bin/env python3
"""PyTorch side of `naskit bench supernet --compare-torch`: the same mixed (DARTS-style) supernet as
naskit builds -- NAS-Bench-201's (AutoDL TinyNetworkDarts: non-affine BN in the cell ops) or DARTS'
search network (model_search.Network: 8 primitives per edge, pooling followed by a non-affine BN,
non-affine BN everywhere in the cells) -- timed the same way: one weight step (forward + backward +
SGD-momentum update with gradient clipping) and one first-order alpha step (Adam) on another batch.
Prints one JSON object with the median step times and the parameter counts. Needs PyTorch (Debian:
apt-get install python3-torch); naskit's CI never runs it.

Usage: python3 scripts/torch_supernet_bench.py --space nb201 --channels 16 --cells 5 --batch 64 \
         --resolution 32 --threads 2 --repeats 10 --warmup 3
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def relu_conv_bn(cin, cout, k, stride, pad, dilation=1, affine=False):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout, affine=affine))


# ---------------------------------------------------------------- NAS-Bench-201 supernet
NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']


class Nb201Edge(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = relu_conv_bn(c, c, 1, 1, 0)
        self.conv3 = relu_conv_bn(c, c, 3, 1, 1)
        self.pool = nn.AvgPool2d(3, 1, 1, count_include_pad=False)

    def forward(self, x, w):
        # none contributes zero; its weight only takes softmax mass.
        return w[1] * x + w[2] * self.conv1(x) + w[3] * self.conv3(x) + w[4] * self.pool(x)


class Nb201Cell(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList([Nb201Edge(c) for _ in range(6)])

    def forward(self, x, w):
        e = self.edges
        n1 = e[0](x, w[0])
        n2 = e[1](x, w[1]) + e[2](n1, w[2])
        return e[3](x, w[3]) + e[4](n1, w[4]) + e[5](n2, w[5])


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = relu_conv_bn(cin, cout, 3, 2, 1, affine=True)
        self.b = relu_conv_bn(cout, cout, 3, 1, 1, affine=True)
        self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.down(x) + self.b(self.a(x))


class Nb201Supernet(nn.Module):
    def __init__(self, c, n, classes, channels_in):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels_in, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.layers = nn.ModuleList()
        for stage in range(3):
            ch = c * 2 ** stage
            if stage > 0:
                self.layers.append(ResBlock(ch // 2, ch))
            self.layers.extend(Nb201Cell(ch) for _ in range(n))
        self.tail = nn.Sequential(nn.BatchNorm2d(4 * c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(4 * c, classes)
        self.alpha = nn.Parameter(1e-3 * torch.randn(6, len(NB201_OPS)))

    def forward(self, x):
        w = F.softmax(self.alpha, dim=-1)
        x = self.stem(x)
        for layer in self.layers:
            x = layer(x, w) if isinstance(layer, Nb201Cell) else layer(x)
        return self.head(self.tail(x))


# ---------------------------------------------------------------- DARTS search supernet
DARTS_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5',
             'dil_conv_3x3', 'dil_conv_5x5']


class SepConv(nn.Sequential):
    def __init__(self, c, k, stride, pad):
        super().__init__(
            nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False),
            nn.BatchNorm2d(c, affine=False),
            nn.ReLU(), nn.Conv2d(c, c, k, 1, pad, groups=c, bias=False), nn.Conv2d(c, c, 1, bias=False),
            nn.BatchNorm2d(c, affine=False))


class DilConv(nn.Sequential):
    def __init__(self, c, k, stride, pad, dilation):
        super().__init__(nn.ReLU(), nn.Conv2d(c, c, k, stride, pad, dilation=dilation, groups=c, bias=False),
                         nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))


class FactorizedReduce(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.c2 = nn.Conv2d(cin, cout // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, affine=False)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.c1(x), self.c2(x[:, :, 1:, 1:])], dim=1))


class MixedOp(nn.Module):
    def __init__(self, c, stride):
        super().__init__()
        self.ops = nn.ModuleList([
            nn.Sequential(nn.MaxPool2d(3, stride, 1), nn.BatchNorm2d(c, affine=False)),
            nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), nn.BatchNorm2d(c, affine=False)),
            nn.Identity() if stride == 1 else FactorizedReduce(c, c),
            SepConv(c, 3, stride, 1), SepConv(c, 5, stride, 2),
            DilConv(c, 3, stride, 2, 2), DilConv(c, 5, stride, 4, 2),
        ])

    def forward(self, x, w):
        return sum(wi * op(x) for wi, op in zip(w[1:], self.ops))


class DartsCell(nn.Module):
    def __init__(self, c_pp, c_p, c, reduction, reduction_prev):
        super().__init__()
        self.reduction = reduction
        self.pre0 = FactorizedReduce(c_pp, c) if reduction_prev else relu_conv_bn(c_pp, c, 1, 1, 0)
        self.pre1 = relu_conv_bn(c_p, c, 1, 1, 0)
        self.ops = nn.ModuleList(MixedOp(c, 2 if reduction and j < 2 else 1) for i in range(4) for j in range(i + 2))

    def forward(self, s0, s1, weights):
        states = [self.pre0(s0), self.pre1(s1)]
        offset = 0
        for i in range(4):
            states.append(sum(self.ops[offset + j](h, weights[offset + j]) for j, h in enumerate(states)))
            offset += len(states) - 1
        return torch.cat(states[-4:], dim=1)


class DartsSupernet(nn.Module):
    def __init__(self, c, layers, classes, channels_in):
        super().__init__()
        c_curr = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(channels_in, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_pp, c_p, c_curr = c_curr, c_curr, c
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c_curr *= 2
            self.cells.append(DartsCell(c_pp, c_p, c_curr, reduction, reduction_prev))
            reduction_prev = reduction
            c_pp, c_p = c_p, 4 * c_curr
        self.head = nn.Linear(c_p, classes)
        self.alpha_normal = nn.Parameter(1e-3 * torch.randn(14, len(DARTS_OPS)))
        self.alpha_reduce = nn.Parameter(1e-3 * torch.randn(14, len(DARTS_OPS)))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            w = F.softmax(self.alpha_reduce if cell.reduction else self.alpha_normal, dim=-1)
            s0, s1 = s1, cell(s0, s1, w)
        return self.head(F.adaptive_avg_pool2d(s1, 1).flatten(1))


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
    ap.add_argument('--space', choices=['nb201', 'darts'], default='nb201')
    ap.add_argument('--channels', type=int, default=16)
    ap.add_argument('--cells', type=int, default=None)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--resolution', type=int, default=32)
    ap.add_argument('--classes', type=int, default=10)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.space == 'nb201':
        net = Nb201Supernet(args.channels, args.cells or 5, args.classes, 3)
    else:
        net = DartsSupernet(args.channels, args.cells or 8, args.classes, 3)
    net.train()
    alphas = [p for n, p in net.named_parameters() if n.startswith('alpha')]
    weights = [p for n, p in net.named_parameters() if not n.startswith('alpha')]
    w_opt = torch.optim.SGD(weights, lr=0.025, momentum=0.9, weight_decay=3e-4)
    a_opt = torch.optim.Adam(alphas, lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    shape = (args.batch, 3, args.resolution, args.resolution)
    x, xv = torch.randn(*shape), torch.randn(*shape)
    y, yv = torch.randint(0, args.classes, (args.batch,)), torch.randint(0, args.classes, (args.batch,))

    def weight_step():
        w_opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(x), y).backward(inputs=weights)
        nn.utils.clip_grad_norm_(weights, 5.0)
        w_opt.step()

    def alpha_step():
        a_opt.zero_grad(set_to_none=True)
        F.cross_entropy(net(xv), yv).backward(inputs=alphas)
        a_opt.step()

    train = median_ms(weight_step, args.repeats, args.warmup)
    alpha = median_ms(alpha_step, args.repeats, args.warmup)
    print(json.dumps({'engine': f'pytorch {torch.__version__}', 'train_step_ms': train, 'alpha_step_ms': alpha,
                      'threads': args.threads, 'batch': args.batch,
                      'weights': sum(p.numel() for p in weights), 'alphas': sum(p.numel() for p in alphas)}))


if __name__ == '__main__':
    main()
