"""SET the way mask-based libraries do it (the Keras SET code, sparse_learning, RigL): each layer a dense weight matrix
kept at zero outside a 0/1 mask, dense matmuls, and evolution that prunes and regrows on the mask."""
import time

import torch

from common import connections, initial_values, output_delta, random_empty_positions, relu_mask_, sgd_step, smallest_by_sign


class MaskedSetMlp:
    def __init__(self, args, generator):
        clock = time.perf_counter()
        self.args, self.generator = args, generator
        self.weights, self.masks, self.velocities, self.gradients, self.biases, self.bias_velocities = [], [], [], [], [], []
        for n_in, n_out in zip(args.layers, args.layers[1:]):
            nnz = connections(n_in, n_out, args.epsilon)
            mask = torch.zeros(n_in * n_out, dtype=torch.bool)
            positions = random_empty_positions(nnz, n_in * n_out, lambda c: ~mask[c], lambda: (~mask).nonzero().squeeze(1),
                                               nnz / (n_in * n_out), generator)
            mask[positions] = True
            weight = torch.zeros(n_in * n_out)
            weight[positions] = initial_values(nnz, args.init, nnz / n_out, generator)
            self.weights.append(weight.view(n_in, n_out))
            self.masks.append(mask.view(n_in, n_out))
            self.velocities.append(torch.zeros(n_in, n_out))
            self.gradients.append(torch.empty(n_in, n_out))
            self.biases.append(torch.zeros(n_out))
            self.bias_velocities.append(torch.zeros(n_out))
        self.create_seconds = time.perf_counter() - clock

    def connections(self):
        return [int(m.sum()) for m in self.masks]

    def forward(self, x):
        activations, pre = [x], []
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = torch.addmm(b, activations[-1], w)
            pre.append(z)
            activations.append(torch.relu(z) if l < len(self.weights) - 1 else z)
        return activations, pre

    @torch.no_grad()
    def train_batch(self, x, labels):
        a = self.args
        activations, pre = self.forward(x)
        delta = output_delta(pre[-1], labels, a.output)
        for l in reversed(range(len(self.weights))):
            # the gradient of the mean loss, on the mask only (what the masked libraries do after backward)
            g = torch.mm(activations[l].t(), delta * (1.0 / x.shape[0]), out=self.gradients[l])
            if self.masks[l] is not None:
                g.mul_(self.masks[l])
            gb = delta.mean(0)
            if l > 0:
                delta = relu_mask_(torch.mm(delta, self.weights[l].t()), pre[l - 1])
            sgd_step(self.weights[l], self.velocities[l], g, a.lr, a.momentum, a.decay)
            sgd_step(self.biases[l], self.bias_velocities[l], gb, a.lr, a.momentum, a.decay)

    @torch.no_grad()
    def accuracy(self, x, labels, chunk=1000):
        correct = sum(int((self.forward(x[i:i + chunk])[1][-1].argmax(1) == labels[i:i + chunk]).sum())
                      for i in range(0, x.shape[0], chunk))
        return correct / x.shape[0]

    @torch.no_grad()
    def evolve(self):
        for w, m, v in zip(self.weights, self.masks, self.velocities):
            n_in, n_out = w.shape
            flat_w, flat_m, flat_v = w.view(-1), m.view(-1), v.view(-1)
            present = flat_m.nonzero().squeeze(1)
            removed = present[smallest_by_sign(flat_w[present], self.args.zeta)]
            flat_m[removed] = False
            flat_w[removed] = 0
            flat_v[removed] = 0
            grown = random_empty_positions(removed.numel(), n_in * n_out, lambda c: ~flat_m[c],
                                           lambda: (~flat_m).nonzero().squeeze(1), present.numel() / (n_in * n_out), self.generator)
            flat_m[grown] = True
            flat_w[grown] = initial_values(grown.numel(), self.args.init, present.numel() / n_out, self.generator)
