"""What every PyTorch peer shares with SetGpu's definitions (docs/algorithm.md): connection counts, initial values,
the output δ, SGD with decoupled decay, and the timed run loop that writes one result as JSON."""
import json
import math
import resource
import time

import numpy as np
import torch


def connections(n_in, n_out, epsilon):
    """SetGpu's Erdős–Rényi count per layer: min(⌊ε·(n_in + n_out)⌋, n_in·n_out)."""
    return min(int(math.floor(epsilon * (n_in + n_out))), n_in * n_out)


def initial_values(count, init, fan_in, generator):
    """`normal`: N(0, 1)/10 (the reference code's); `he-uniform`: U(−s, s) with s = √(6 / fan-in)."""
    if init == "normal":
        return torch.randn(count, generator=generator) * 0.1
    scale = math.sqrt(6.0 / max(1.0, fan_in))
    return (torch.rand(count, generator=generator) * 2 - 1) * scale


def output_delta(z, labels, output):
    """δ = ∂loss/∂z of the output layer: softmax + cross-entropy, or sigmoid with the reference's MSE δ
    (y − t)·σ(y)·(1 − σ(y)) (SetGpu's `--loss mse-reference`)."""
    target = torch.zeros_like(z)
    target[torch.arange(z.shape[0]), labels] = 1
    if output == "softmax":
        return torch.softmax(z, dim=1).sub_(target)
    y = torch.sigmoid(z)
    s = torch.sigmoid(y)
    return (y - target).mul_(s).mul_(1 - s)


def sgd_step(weight, velocity, gradient, lr, momentum, decay):
    """SetGpu's SGD: v ← μ·v − η·g, then w ← w + v − λ·w, in place."""
    velocity.mul_(momentum).add_(gradient, alpha=-lr)
    weight.mul_(1 - decay).add_(velocity)


def peak_rss_bytes():
    """The process's peak resident set (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def loaded_blas():
    """The BLAS library this process mapped (Debian's torch takes whichever libblas.so.3 the alternatives select)."""
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(names)) or None


class TimeLimit(Exception):
    pass


def run(model, data_dir, args):
    """Trains for args.epochs epochs (train, then test, then one evolution step, as SetGpu.Bench's rows do), timing
    training and evolution separately, and writes the result JSON to args.result. Stops with timedOut once the run has
    taken args.time_limit seconds, estimating the epoch's time from the share of batches done."""
    x = torch.from_numpy(np.load(f"{data_dir}/train_x.npy"))
    y = torch.from_numpy(np.load(f"{data_dir}/train_y.npy").astype(np.int64))
    tx = torch.from_numpy(np.load(f"{data_dir}/test_x.npy"))
    ty = torch.from_numpy(np.load(f"{data_dir}/test_y.npy").astype(np.int64))
    generator = torch.Generator().manual_seed(args.seed)
    result = {"peer": args.peer, "layers": args.layers, "batch": args.batch, "threads": torch.get_num_threads(),
              "connections": model.connections(), "trainSamples": int(x.shape[0]), "testSamples": int(tx.shape[0]),
              "majorityRate": float(torch.bincount(ty).max()) / tx.shape[0], "createSeconds": model.create_seconds,
              "dataChecksum": float(x.double().sum()),
              "train": [], "evolution": [], "accuracy": [], "timedOut": False}
    start = time.perf_counter()
    try:
        for epoch in range(args.epochs):
            order = torch.randperm(x.shape[0], generator=generator)
            batches = math.ceil(x.shape[0] / args.batch)
            clock = time.perf_counter()
            for b in range(batches):
                rows = order[b * args.batch:(b + 1) * args.batch]
                model.train_batch(x[rows], y[rows])
                if time.perf_counter() - start > args.time_limit:
                    spent = time.perf_counter() - clock
                    result["timedOut"] = True
                    result["estimatedTrainSeconds"] = spent * batches / (b + 1)
                    raise TimeLimit()
            result["train"].append(time.perf_counter() - clock)
            result["accuracy"].append(model.accuracy(tx, ty))
            clock = time.perf_counter()
            model.evolve()
            result["evolution"].append(time.perf_counter() - clock)
            print(f"    epoch {epoch + 1}: train {result['train'][-1]:.3f} s, evolution {result['evolution'][-1]:.3f} s, "
                  f"test accuracy {result['accuracy'][-1]:.2%}", flush=True)
    except TimeLimit:
        print(f"    stopped at the time limit of {args.time_limit} s", flush=True)
    result["peakRssBytes"] = peak_rss_bytes()
    result["blas"] = loaded_blas()
    with open(args.result, "w") as f:
        json.dump(result, f, indent=1)


def random_empty_positions(count, total, is_empty, list_empty, density_after, generator):
    """`count` distinct positions drawn uniformly among the empty ones of a layer of `total` positions, as SetGpu's
    regrowth draws them: random candidates kept where empty while the layer stays sparse (below 1/4 density after
    regrowth), else a random choice among all the empty positions listed."""
    if count == 0:
        return torch.empty(0, dtype=torch.long)
    if density_after >= 0.25:
        empty = list_empty()
        return empty[torch.randperm(empty.numel(), generator=generator)[:count]]
    pool = torch.empty(0, dtype=torch.long)
    while pool.numel() < count:
        candidates = torch.randint(total, (2 * (count - pool.numel()) + 16,), generator=generator)
        pool = torch.unique(torch.cat([pool, candidates[is_empty(candidates)]]))
    # The pool is a uniformly random set of distinct empty positions; a random subset of it is one too.
    return pool[torch.randperm(pool.numel(), generator=generator)[:count]]


def smallest_by_sign(values, zeta):
    """Indices into `values` of the ⌊ζ·n₋⌋ negative and ⌊ζ·n₊⌋ positive values of smallest |w|, the two thresholds
    found separately (the sign bit decides, as in SetGpu's pruning)."""
    negative = torch.signbit(values)
    removed = []
    for side in (negative, ~negative):
        where = side.nonzero().squeeze(1)
        k = int(math.floor(zeta * where.numel()))
        if k:
            removed.append(where[torch.topk(values[where].abs(), k, largest=False).indices])
    return torch.cat(removed) if removed else torch.empty(0, dtype=torch.long)


def relu_mask_(delta, z):
    """δ ← δ·ReLU'(z), in place."""
    return delta.mul_(z > 0)
