"""SET on PyTorch's own sparse tensors (torch.sparse CSR or COO), as Synapses-style layers do: each layer holds only
its connections (sorted linear positions r·n_out + c, values, momentum), the forward and backward passes are sparse ×
dense matmuls, the weight gradient is taken at the connections only, and evolution rebuilds the index arrays."""
import time

import torch

from common import connections, initial_values, output_delta, random_empty_positions, relu_mask_, sgd_step, smallest_by_sign


class SparseLayer:
    def __init__(self, n_in, n_out, positions, values, velocity, fmt):
        self.n_in, self.n_out, self.fmt = n_in, n_out, fmt
        self.positions, self.values, self.velocity = positions, values, velocity
        self.rows, self.cols = positions // n_out, positions % n_out
        # the transposed layer (n_out × n_in) for the forward pass, its values gathered after every step
        self.transposed_order = torch.argsort(self.cols * n_in + self.rows)
        self.transposed_values = values[self.transposed_order]
        self.weight = self._tensor(self.rows, self.cols, values, (n_in, n_out))
        self.transposed = self._tensor(self.cols[self.transposed_order], self.rows[self.transposed_order],
                                       self.transposed_values, (n_out, n_in))

    def _tensor(self, rows, cols, values, shape):
        """A tensor that shares `values`, so an in-place step updates it (rows sorted, columns sorted within a row)."""
        if self.fmt == "coo":
            # the unchecked constructor keeps `values` itself (the checked one may copy); the positions are already unique and sorted
            return torch._sparse_coo_tensor_unsafe(torch.stack([rows, cols]), values, shape)._coalesced_(True)
        crow = torch.zeros(shape[0] + 1, dtype=torch.long)
        crow[1:] = torch.cumsum(torch.bincount(rows, minlength=shape[0]), 0)
        return torch.sparse_csr_tensor(crow, cols, values, shape)

    def refresh_transposed(self):
        torch.index_select(self.values, 0, self.transposed_order, out=self.transposed_values)


class SparseSetMlp:
    def __init__(self, args, generator):
        clock = time.perf_counter()
        self.args, self.generator = args, generator
        self.layers, self.biases, self.bias_velocities = [], [], []
        for n_in, n_out in zip(args.layers, args.layers[1:]):
            nnz = connections(n_in, n_out, args.epsilon)
            empty = torch.empty(0, dtype=torch.long)
            positions = torch.sort(self._grow(empty, nnz, n_in * n_out)).values
            values = initial_values(nnz, args.init, nnz / n_out, generator)
            self.layers.append(SparseLayer(n_in, n_out, positions, values, torch.zeros(nnz), args.format))
            self.biases.append(torch.zeros(n_out, 1))
            self.bias_velocities.append(torch.zeros(n_out, 1))
        self.create_seconds = time.perf_counter() - clock

    def _grow(self, occupied, count, total):
        """`count` random empty positions of a layer whose sorted occupied positions are `occupied`."""
        def is_empty(candidates):
            if occupied.numel() == 0:
                return torch.ones_like(candidates, dtype=torch.bool)
            at = torch.searchsorted(occupied, candidates).clamp_(max=occupied.numel() - 1)
            return occupied[at] != candidates

        def list_empty():
            free = torch.ones(total, dtype=torch.bool)
            free[occupied] = False
            return free.nonzero().squeeze(1)
        return random_empty_positions(count, total, is_empty, list_empty, (occupied.numel() + count) / total, self.generator)

    def connections(self):
        return [int(layer.positions.numel()) for layer in self.layers]

    def forward(self, x_t):
        """Neuron-major: activations are n × batch."""
        activations, pre = [x_t], []
        for l, (layer, b) in enumerate(zip(self.layers, self.biases)):
            z = torch.sparse.mm(layer.transposed, activations[-1]).add_(b)
            pre.append(z)
            activations.append(torch.relu(z) if l < len(self.layers) - 1 else z)
        return activations, pre

    @torch.no_grad()
    def train_batch(self, x, labels):
        a = self.args
        activations, pre = self.forward(x.t().contiguous())
        delta = output_delta(pre[-1].t(), labels, a.output).t().contiguous()
        for l in reversed(range(len(self.layers))):
            layer = self.layers[l]
            # the gradient at the connections only: Σ over the batch of a[row]·δ[col], divided by the batch
            g = (activations[l][layer.rows] * delta[layer.cols]).sum(1).mul_(1.0 / x.shape[0])
            gb = delta.mean(1, keepdim=True)
            if l > 0:
                delta = relu_mask_(torch.sparse.mm(layer.weight, delta), pre[l - 1])
            sgd_step(layer.values, layer.velocity, g, a.lr, a.momentum, a.decay)
            layer.refresh_transposed()
            sgd_step(self.biases[l], self.bias_velocities[l], gb, a.lr, a.momentum, a.decay)

    @torch.no_grad()
    def accuracy(self, x, labels, chunk=1000):
        correct = sum(int((self.forward(x[i:i + chunk].t().contiguous())[1][-1].argmax(0) == labels[i:i + chunk]).sum())
                      for i in range(0, x.shape[0], chunk))
        return correct / x.shape[0]

    @torch.no_grad()
    def evolve(self):
        for i, layer in enumerate(self.layers):
            keep = torch.ones(layer.values.numel(), dtype=torch.bool)
            keep[smallest_by_sign(layer.values, self.args.zeta)] = False
            survivors = layer.positions[keep]
            grown = self._grow(survivors, layer.values.numel() - survivors.numel(), layer.n_in * layer.n_out)
            positions = torch.cat([survivors, grown])
            values = torch.cat([layer.values[keep],
                                initial_values(grown.numel(), self.args.init, positions.numel() / layer.n_out, self.generator)])
            velocity = torch.cat([layer.velocity[keep], torch.zeros(grown.numel())])
            order = torch.argsort(positions)
            self.layers[i] = SparseLayer(layer.n_in, layer.n_out, positions[order], values[order], velocity[order], layer.fmt)
