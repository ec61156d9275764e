#!/usr/bin/env python3
"""Independent reference values for naskit's end-to-end gradient test.

Builds a small conv net (conv + BN in training mode + ReLU, a residual add, average and max pooling,
a strided 1x1 conv, global average pooling, a linear head) in PyTorch, runs one forward/backward pass
of mean softmax cross-entropy, and writes the inputs, parameters, logits, loss, every parameter
gradient and the updated BN running statistics to test/fixtures/torch-reference.json, keyed by the
parameter names naskit's builders use. The test suite only reads the JSON; CI never needs PyTorch.

Run: python3 scripts/torch_reference.py   (Debian: apt-get install python3-torch)
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem_conv = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(4)
        self.res_conv = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.res_bn = nn.BatchNorm2d(4)
        self.down_conv = nn.Conv2d(4, 8, 1, stride=2, bias=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        y = F.relu(self.stem_bn(self.stem_conv(x)))
        y = y + F.relu(self.res_bn(self.res_conv(y)))
        y = F.avg_pool2d(y, 2, stride=2)
        y = F.max_pool2d(y, 3, stride=1, padding=1)
        y = self.down_conv(y)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return self.head(y)


# naskit parameter name -> torch parameter/buffer name
NAMES = {
    'stem/conv/weight': 'stem_conv.weight',
    'stem/bn/weight': 'stem_bn.weight',
    'stem/bn/bias': 'stem_bn.bias',
    'stem/bn/running_mean': 'stem_bn.running_mean',
    'stem/bn/running_var': 'stem_bn.running_var',
    'res/conv/weight': 'res_conv.weight',
    'res/bn/weight': 'res_bn.weight',
    'res/bn/bias': 'res_bn.bias',
    'res/bn/running_mean': 'res_bn.running_mean',
    'res/bn/running_var': 'res_bn.running_var',
    'down/weight': 'down_conv.weight',
    'down/bias': 'down_conv.bias',
    'head/weight': 'head.weight',
    'head/bias': 'head.bias',
}


def main():
    net = Net()
    with torch.no_grad():
        # Non-trivial BN affine values so their gradients matter.
        for bn in (net.stem_bn, net.res_bn):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.5, 0.5)
    # Values are rounded to float32 first so both sides start from identical numbers.
    for p in list(net.parameters()) + list(net.buffers()):
        if p.dtype.is_floating_point:
            p.data = p.data.float().double()
    x = torch.randn(4, 3, 8, 8).float().double()
    labels = torch.tensor([0, 2, 1, 2])
    state = {k: v.detach().clone() for k, v in net.state_dict().items()}

    net.train()
    logits = net(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()

    named = dict(net.named_parameters())
    buffers = dict(net.named_buffers())
    out = {
        'input_shape': list(x.shape),
        'input': x.flatten().tolist(),
        'labels': labels.tolist(),
        'params': {k: state[v].flatten().tolist() for k, v in NAMES.items()},
        'logits': logits.detach().flatten().tolist(),
        'loss': loss.item(),
        'grads': {k: named[v].grad.flatten().tolist() for k, v in NAMES.items() if v in named},
        'running': {k: buffers[v].flatten().tolist() for k, v in NAMES.items() if v in buffers},
        'torch_version': torch.__version__,
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch-reference.json')
    with open(path, 'w') as f:
        json.dump(out, f)
    print(f'wrote {os.path.normpath(path)}: loss {loss.item():.6f}')


if __name__ == '__main__':
    main()
