"""One PyTorch peer of SetGpu.Bench peers, in its own process (see docs/bench/README.md#peers):
  peer.py --peer masked|sparse|dense --data DIR --layers 3312,1000,1000,1000,5 --batch 2 --epochs 3 --threads 2
          --output sigmoid|softmax --init normal|he-uniform --epsilon 20 --zeta 0.3 --lr 0.01 --momentum 0.9
          --decay 0.0002 --time-limit 600 --format csr|coo --result FILE
  peer.py --peer masked|sparse --layers ... --epsilon 20 --zeta 0.3 --evolution-check 3
          prints each layer's connections after creation and after each evolution step, as JSON (no data, no training)
  peer.py --peer masked|sparse|dense --layers ... --gradient-check
          one step of plain gradient descent (lr 1, no momentum or decay, softmax + cross-entropy) on random samples
          against PyTorch's autograd on the same network: prints the largest difference of a weight or bias, as JSON
DIR holds train_x.npy, train_y.npy, test_x.npy, test_y.npy (float32 samples × features, int32 labels)."""
import argparse
import json
import sys
import warnings

try:
    import torch
except ImportError:
    print("PyTorch is missing: install Debian's python3-torch and libopenblas0-pthread (apt-get install -y python3-torch "
          "libopenblas0-pthread)", file=sys.stderr)
    sys.exit(3)

from common import run

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta state")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--peer", choices=["masked", "sparse", "dense"], required=True)
    p.add_argument("--data")
    p.add_argument("--layers", type=lambda s: [int(v) for v in s.split(",")], required=True)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--output", choices=["sigmoid", "softmax"], default="sigmoid")
    p.add_argument("--init", choices=["normal", "he-uniform"], default="normal")
    p.add_argument("--epsilon", type=float, default=20)
    p.add_argument("--zeta", type=float, default=0.3)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--decay", type=float, default=0.0002)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=600)
    p.add_argument("--format", choices=["csr", "coo"], default="csr")
    p.add_argument("--evolution-check", type=int, default=0)
    p.add_argument("--gradient-check", action="store_true")
    p.add_argument("--result", default="peer.json")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(args.seed)
    if args.peer == "masked":
        from masked import MaskedSetMlp as Model
    elif args.peer == "sparse":
        from sparse import SparseSetMlp as Model
    else:
        from dense import DenseMlp as Model
    if args.gradient_check:
        args.lr, args.momentum, args.decay, args.output = 1.0, 0.0, 0.0, "softmax"
    model = Model(args, generator)
    if args.gradient_check:
        print(json.dumps({"largestDifference": gradient_difference(model, args.layers, generator)}))
        return
    if args.evolution_check:
        counts, off_mask = [model.connections()], []
        for _ in range(args.evolution_check):
            perturb(model, generator)
            model.evolve()
            counts.append(model.connections())
            off_mask.append(outside_mask(model))
        print(json.dumps({"connections": counts, "nonzeroOutsideMask": off_mask}))
        return
    run(model, args.data, args)


@torch.no_grad()
def perturb(model, generator):
    """Gives the connections new signed values (as training would), so that each evolution step prunes both signs."""
    if hasattr(model, "layers"):
        for layer in model.layers:
            layer.values.add_(torch.randn(layer.values.shape, generator=generator) * 0.05)
            layer.velocity.add_(1.0)
    else:
        for w, m, v in zip(model.weights, model.masks, model.velocities):
            w.add_(torch.randn(w.shape, generator=generator).mul_(0.05).mul_(m))
            v.add_(m.float())


def dense_parameters(model):
    """Each layer's weights as a dense n_in × n_out matrix (0 where no connection), where connections are, and its biases."""
    if hasattr(model, "layers"):
        weights, present = [], []
        for layer in model.layers:
            w = torch.zeros(layer.n_in * layer.n_out)
            w[layer.positions] = layer.values
            p = torch.zeros(layer.n_in * layer.n_out, dtype=torch.bool)
            p[layer.positions] = True
            weights.append(w.view(layer.n_in, layer.n_out))
            present.append(p.view(layer.n_in, layer.n_out))
        return weights, present, [b.view(-1).clone() for b in model.biases]
    present = [m if m is not None else torch.ones_like(w, dtype=torch.bool) for w, m in zip(model.weights, model.masks)]
    return [w.clone() for w in model.weights], present, [b.clone() for b in model.biases]


def gradient_difference(model, layers, generator):
    """The largest |(before − after) − ∂loss/∂θ| over weights at connections and biases, after one train_batch at lr 1."""
    x = torch.randn(5, layers[0], generator=generator)
    labels = torch.randint(layers[-1], (5,), generator=generator)
    weights, present, biases = dense_parameters(model)
    ws = [w.clone().requires_grad_() for w in weights]
    bs = [b.clone().requires_grad_() for b in biases]
    a = x
    for l, (w, b) in enumerate(zip(ws, bs)):
        z = a @ w + b
        a = torch.relu(z) if l < len(ws) - 1 else z
    torch.nn.functional.cross_entropy(a, labels).backward()  # the batch mean of the per-sample loss
    model.train_batch(x, labels)
    after_w, _, after_b = dense_parameters(model)
    largest = 0.0
    for w, w1, p, g in zip(weights, after_w, present, ws):
        largest = max(largest, float(((w - w1) - g.grad * p).abs().max()))
        largest = max(largest, float(w1[~p].abs().max()) if (~p).any() else 0.0)  # nothing grows outside the connections
    for b, b1, g in zip(biases, after_b, bs):
        largest = max(largest, float(((b - b1) - g.grad).abs().max()))
    return largest


def outside_mask(model):
    """The masked peer's weights and momenta that are not 0 outside its mask (its invariant: there are none)."""
    if hasattr(model, "layers"):
        return 0
    return sum(int((w[~m] != 0).sum() + (v[~m] != 0).sum()) for w, m, v in zip(model.weights, model.masks, model.velocities))


if __name__ == "__main__":
    main()
