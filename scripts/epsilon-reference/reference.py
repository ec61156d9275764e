# Independent PyTorch reference of epsinas' epsilon on NB201: the full-width TinyNetwork (C=16, N=5, one
# output unit), float32, every weight set to the constant, biases 0, BN with batch statistics, run on the
# batch export.mjs wrote; compares NaN pattern and values with naskit's one-channel scores.
# Usage: python reference.py OUT_DIR   (needs torch, numpy, scipy; not a naskit dependency)
import json, sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1)
def rcb(ci, co, k, s, p):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(ci, co, k, s, p, bias=False), nn.BatchNorm2d(co, affine=True, track_running_stats=False))
class Zero(nn.Module):
    def forward(self, x): return x.mul(0.)
def op(name, C):
    return {'none': Zero(), 'skip_connect': nn.Identity(), 'nor_conv_1x1': rcb(C, C, 1, 1, 0),
            'nor_conv_3x3': rcb(C, C, 3, 1, 1), 'avg_pool_3x3': nn.AvgPool2d(3, 1, 1, count_include_pad=False)}[name]
class Cell(nn.Module):
    def __init__(self, arch, C):
        super().__init__()
        nodes = [n.split('|')[1:-1] for n in arch.split('+')]
        self.edges = nn.ModuleList(); self.spec = []
        for j, node in enumerate(nodes):
            ins = []
            for e in node:
                o, i = e.split('~'); self.edges.append(op(o, C)); ins.append((int(i), len(self.edges) - 1))
            self.spec.append(ins)
    def forward(self, x):
        nodes = [x]
        for ins in self.spec: nodes.append(sum(self.edges[k](nodes[i]) for i, k in ins))
        return nodes[-1]
class Res(nn.Module):
    def __init__(self, ci, co):
        super().__init__()
        self.a = rcb(ci, co, 3, 2, 1); self.b = rcb(co, co, 3, 1, 1)
        self.d = nn.Sequential(nn.AvgPool2d(2, 2, 0), nn.Conv2d(ci, co, 1, 1, 0, bias=False))
    def forward(self, x): return self.d(x) + self.b(self.a(x))
class Net(nn.Module):
    def __init__(self, arch, C=16, N=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C, track_running_stats=False))
        layers = []; c = C
        for stage in range(3):
            if stage > 0: layers.append(Res(c, 2 * c)); c *= 2
            layers += [Cell(arch, c) for _ in range(N)]
        self.cells = nn.Sequential(*layers)
        self.last = nn.Sequential(nn.BatchNorm2d(c, track_running_stats=False), nn.ReLU())
        self.fc = nn.Linear(c, 1)
    def forward(self, x):
        y = self.last(self.cells(self.stem(x)))
        return self.fc(y.mean(dim=(2, 3)))
def eps(net, X, ws):
    ys = []
    for w in ws:
        for m in net.modules():
            if hasattr(m, 'weight') and m.weight is not None: nn.init.constant_(m.weight, w)
            if hasattr(m, 'bias') and m.bias is not None: nn.init.constant_(m.bias, 0.)
        with torch.inference_mode(): y = net(X).flatten().numpy()
        ys.append((y - y.min()) / (y.max() - y.min()))
    Y = np.stack(ys); Y[Y == 0] = np.nan
    return float(np.nanmean(np.abs(Y[0] - Y[1])) / np.nanmean(Y))
X = torch.from_numpy(np.fromfile(sys.argv[1] + '/batch.f32', dtype=np.float32).reshape(256, 3, 32, 32))
ours = json.load(open(sys.argv[1] + '/ours.json'))
out = []
with np.errstate(all='ignore'):
    for r in ours:
        e = eps(Net(r['arch']), X, (1e-7, 1.0))
        out.append({'arch': r['arch'], 'ours': r['eps'], 'torch': None if np.isnan(e) else e})
json.dump(out, open(sys.argv[1] + '/compare.json', 'w'))
both = [o for o in out if o['ours'] is not None and o['torch'] is not None]
nan_agree = sum((o['ours'] is None) == (o['torch'] is None) for o in out)
from scipy.stats import spearmanr
rel = max(abs(o['ours'] - o['torch']) / abs(o['torch']) for o in both)
print('n', len(out), 'nan agree', nan_agree, 'finite both', len(both), 'max rel diff', rel, 'spearman', spearmanr([o['ours'] for o in both], [o['torch'] for o in both]).correlation)
