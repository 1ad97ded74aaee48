namespace SetGpu.Bench.Kernels;

/// <summary>One kernel family: its name on the command line, what it computes, and its cases on a backend.</summary>
internal sealed record KernelFamily(string Name, string Computes, Func<KernelProblem, KernelBackend, IEnumerable<KernelCase>> Cases);

/// <summary>Every kernel family the benchmarks time, in the order of a training step and then of an evolution step.</summary>
internal static class KernelFamilies
{
    public static readonly KernelFamily[] All =
    [
        new("spmm-forward", "z = W·x + b, a = f(z)", SpmmForwardBench.Cases),
        new("spmm-backward", "δin = (Wᵀ·δout) ⊙ f'(z_in)", SpmmBackwardBench.Cases),
        new("sddmm-update", "W ← step(W, (δout·xᵀ at the connections) / B)", SddmmUpdateBench.Cases),
        new("bias-update", "b ← step(b, mean of δout)", BiasUpdateBench.Cases),
        new("srelu-update", "δ ← δ·f'(z), SReLU's t_l, a_l, t_r, a_r ← step", SReluUpdateBench.Cases),
        new("prune", "threshold select and removal mask", PruningBench.Cases),
        new("regrowth", "new random empty positions", RegrowthBench.Cases),
        new("csr-rebuild", "merged CSR rows and the incoming index", CsrRebuildBench.Cases),
        new("scan", "exclusive prefix sum", ScanBench.Cases),
        new("evolution", "prune + regrowth + rebuild", EvolutionBench.Cases),
        new("rbm-gather", "h = sample σ(c + Wᵀv), v = σ(b + W h)", RbmGatherBench.Cases),
        new("cd-update", "W, b, c ← step(⟨v h⟩data − ⟨v h⟩model)", CdUpdateBench.Cases),
    ];

    /// <summary>The families named (all when none are), in the order of <see cref="All"/>.</summary>
    public static IEnumerable<KernelFamily> Named(IReadOnlyCollection<string> names)
    {
        var unknown = names.Except(All.Select(f => f.Name)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"unknown kernel famil{(unknown.Length == 1 ? "y" : "ies")} {string.Join(", ", unknown)}; " +
                                        $"known: {string.Join(", ", All.Select(f => f.Name))}");
        return names.Count == 0 ? All : All.Where(f => names.Contains(f.Name));
    }
}
