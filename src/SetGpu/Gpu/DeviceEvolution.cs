using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;
using SetGpu.Rng;

namespace SetGpu.Gpu;

/// <summary>
/// SET's evolution step on a <see cref="DeviceLayer"/>, entirely on the device, reproducing
/// <see cref="SparseEvolution.EvolveLayer"/> exactly (same removed set, same regrown positions, same values), in the
/// host's three stages, each a class of its own with its kernels:
/// <list type="number">
/// <item>threshold select and prune: <see cref="DevicePruning"/> (host: <see cref="Pruning"/>);</item>
/// <item>regrowth: <see cref="DeviceRegrowth"/> (host: <see cref="Regrowth"/>);</item>
/// <item>CSR rebuild and incoming index: <see cref="DeviceRebuild"/> (host: <see cref="CsrRebuild"/> and
/// <see cref="SetGpu.Sparse.IncomingIndex.Build"/>).</item>
/// </list>
/// No sort from ILGPU.Algorithms is used: its radix sort misorders large inputs on PoCL (see AlgorithmsProbeTests);
/// its exclusive scan is correct there and is used on GPUs (<see cref="DeviceScan"/>; ILGPU's CPU accelerator gets a
/// scan with one tile per thread).
/// Scratch memory is O(nnz) (O(rows · columns) only in dense mode, where that is O(nnz)) and freed before returning.
/// Not thread safe: one evolution at a time per instance.
/// </summary>
internal sealed class DeviceEvolution : IDisposable
{
    readonly Accelerator accelerator;
    readonly DevicePruning pruning;
    readonly DeviceRegrowth regrowth;
    readonly DeviceRebuild rebuild;
    readonly DeviceScan scan;

    /// <summary>Compiles the kernels of every stage and the scan operations for <paramref name="accelerator"/> once.</summary>
    public DeviceEvolution(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        scan = new DeviceScan(accelerator);
        pruning = new DevicePruning(accelerator, scan);
        regrowth = new DeviceRegrowth(accelerator, scan);
        rebuild = new DeviceRebuild(accelerator, scan);
    }

    /// <summary>The prune stage, for evolutions that rank other keys than the weights (WAST: <see cref="DeviceWast"/>).</summary>
    internal DevicePruning Pruning => pruning;
    /// <summary>The rebuild stage, shared with <see cref="DeviceWast"/>.</summary>
    internal DeviceRebuild Rebuild => rebuild;
    /// <summary>The scan, shared with <see cref="DeviceWast"/>.</summary>
    internal DeviceScan Scan => scan;

    /// <summary>
    /// Largest sparse-mode chunk of regrowth candidates (tests set it small to exercise the merge of several chunks;
    /// the result never depends on it).
    /// </summary>
    internal int MaxChunk
    {
        get => regrowth.MaxChunk;
        set => regrowth.MaxChunk = value;
    }

    /// <summary>
    /// Evolves one layer in place on the device: same result as <see cref="SparseEvolution.EvolveLayer"/> on the
    /// host copy. The layer gets new CSR and incoming-index buffers (unless nothing is pruned, when it is unchanged).
    /// </summary>
    public LayerEvolution EvolveLayer(DeviceLayer layer, int layerIndex, double zeta, ulong seed, int epoch)
    {
        if (!ReferenceEquals(layer.Accelerator, accelerator))
            throw new ArgumentException("the layer lives on another accelerator", nameof(layer));
        if (!(zeta >= 0 && zeta <= 1)) throw new ArgumentOutOfRangeException(nameof(zeta), zeta, "ζ must be in [0, 1]");
        int nnz = layer.Connections;
        if (nnz == 0) return new LayerEvolution(layerIndex, default, 0, 0);

        using var scratch = new DeviceScratch(accelerator);
        var removed = scratch.Alloc<byte>(nnz);
        var survivors = scratch.Alloc<int>(layer.Inputs);
        var prune = pruning.MarkRemovals(layer, zeta, removed, survivors, scratch);
        long count = prune.Removed;
        if (count == 0) return new LayerEvolution(layerIndex, prune, 0, nnz);

        var old = SourceRows.Of(layer, removed);
        ulong regrowthKey = CounterRng.Key(seed, RngStream.Regrowth, layerIndex, epoch);
        var accepted = regrowth.SelectEmpty(layer, old, survivors, nnz - count, (int)count, regrowthKey, scratch);
        var connections = rebuild.Run(layer, old, survivors, accepted, (int)count,
            CounterRng.Key(seed, RngStream.RegrowthWeights, layerIndex, epoch), scratch);
        layer.ReplaceConnections(connections);
        return new LayerEvolution(layerIndex, prune, count, layer.Connections);
    }

    /// <summary>Nothing to free: the kernels and scan objects belong to the accelerator.</summary>
    public void Dispose()
    {
    }
}
