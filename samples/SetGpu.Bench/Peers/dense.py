"""A dense MLP, as context: every position a weight, dense matmuls, no evolution. It starts from He-uniform at its
dense fan-in whatever the sparse peers use: from N(0, 1)/10 at a dense fan-in of 3,312 the lung network's outputs
saturate and it stays at the majority class (measured: 67.65% after 3 epochs at 1,000 per layer)."""
import time

import torch

from common import initial_values
from masked import MaskedSetMlp


class DenseMlp(MaskedSetMlp):
    """The masked peer with every position present: its mask and evolution are dropped, the rest is the same code."""

    def __init__(self, args, generator):
        clock = time.perf_counter()
        self.args, self.generator = args, generator
        self.weights, self.velocities, self.gradients, self.biases, self.bias_velocities = [], [], [], [], []
        for n_in, n_out in zip(args.layers, args.layers[1:]):
            self.weights.append(initial_values(n_in * n_out, "he-uniform", n_in, generator).view(n_in, n_out))
            self.velocities.append(torch.zeros(n_in, n_out))
            self.gradients.append(torch.empty(n_in, n_out))
            self.biases.append(torch.zeros(n_out))
            self.bias_velocities.append(torch.zeros(n_out))
        self.masks = [None] * len(self.weights)
        self.create_seconds = time.perf_counter() - clock

    def connections(self):
        return [w.numel() for w in self.weights]

    def evolve(self):
        pass
