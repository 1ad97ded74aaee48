using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using SetGpu.Evolution;
using SetGpu.Evolution.Wast;
using SetGpu.Gpu.Kernels;
using SetGpu.Rng;

namespace SetGpu.Gpu;

/// <summary>
/// WAST's per-batch work on <see cref="DeviceLayer"/>s (kernels: <see cref="WastKernels"/>), the same bits as the host's
/// <see cref="NeuronImportance"/> and <see cref="WastStep.EvolveLayer"/>:
/// <list type="number">
/// <item>importance: one kernel sums the three terms per feature in doubles; the host reads them back (3 × features
/// doubles a batch) and blends them, as <see cref="NeuronImportance.AddTerms"/>;</item>
/// <item>drop: the importance-scaled weights, then SET's device select on them (<see cref="DevicePruning"/>);</item>
/// <item>growth: the free count of each neuron on the importance side comes back (O(neurons)); the host orders the neurons
/// and plans how many positions each takes (<see cref="ImportanceRegrowth.Plan"/>); per visited neuron a kernel walks
/// the other side's order to its cut, and per row a kernel lists the grown positions in ascending order;</item>
/// <item>rebuild and incoming index: <see cref="DeviceRebuild"/>, as SET's step.</item>
/// </list>
/// Nothing is O(rows × columns): the growth scores what the host's walk scores, plus one pass over the columns per
/// visited row (a row it fills), as the host's walk does.
/// </summary>
internal sealed class DeviceWast : IDisposable
{
    readonly Accelerator accelerator;
    readonly DevicePruning pruning;
    readonly DeviceRebuild rebuild;
    readonly DeviceScan scan;
    readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<int>,
        ArrayView<int>, ArrayView<float>, ArrayView<double>> importanceTerms;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, int, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int,
        ArrayView<float>> scaleByImportance;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<byte>, int, ArrayView<int>> survivingColumnCounts;
    readonly Action<KernelConfig, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, int, ArrayView<int>, ArrayView<int>,
        ArrayView<byte>, ArrayView<int>> growthCuts;
    readonly Action<KernelConfig, int, int, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>,
        ArrayView<byte>, int, ArrayView<int>, ArrayView<int>, ArrayView<long>> grownPositions;
    MemoryBuffer1D<double, Stride1D.Dense>? terms; // kept between batches: one allocation per run, not per batch

    /// <summary>Compiles the kernels for <paramref name="evolution"/>'s accelerator once and shares its prune, rebuild and scan.</summary>
    public DeviceWast(Accelerator accelerator, DeviceEvolution evolution)
    {
        this.accelerator = accelerator;
        pruning = evolution.Pruning;
        rebuild = evolution.Rebuild;
        scan = evolution.Scan;
        importanceTerms = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, ArrayView<int>, ArrayView<float>,
            ArrayView<int>, ArrayView<int>, ArrayView<float>, ArrayView<double>>(WastKernels.ImportanceTerms);
        scaleByImportance = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, int, ArrayView<float>, ArrayView<float>, int,
            ArrayView<float>, int, ArrayView<float>>(WastKernels.ScaleByImportance);
        survivingColumnCounts = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<byte>, int, ArrayView<int>>(WastKernels.SurvivingColumnCounts);
        growthCuts = accelerator.LoadStreamKernel<ArrayView<int>, ArrayView<int>, int, ArrayView<int>, int, ArrayView<int>, ArrayView<int>,
            ArrayView<byte>, ArrayView<int>>(WastKernels.GrowthCuts);
        grownPositions = accelerator.LoadStreamKernel<int, int, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, ArrayView<int>,
            ArrayView<int>, ArrayView<byte>, int, ArrayView<int>, ArrayView<int>, ArrayView<long>>(WastKernels.GrownPositions);
    }

    /// <summary>
    /// One batch's terms per feature of the autoencoder <paramref name="first"/> → <paramref name="last"/>, read back into
    /// <paramref name="error"/>, <paramref name="rowStrength"/> and <paramref name="columnStrength"/> (see
    /// <see cref="WastKernels.ImportanceTerms"/>); the blocks hold <paramref name="batch"/> samples in
    /// <paramref name="lanes"/> per feature.
    /// </summary>
    public void ImportanceTerms(DeviceLayer first, DeviceLayer last, ArrayView<float> clean, ArrayView<float> reconstruction, int batch,
                                int lanes, double[] error, double[] rowStrength, double[] columnStrength)
    {
        int features = first.Inputs;
        if (terms?.Length != 3L * features)
        {
            terms?.Dispose();
            terms = accelerator.Allocate1D<double>(3L * features);
        }
        importanceTerms(Launch.For(accelerator, features), clean, reconstruction, batch, lanes, features, first.RowOffsets.View,
            first.Weights.View, last.IncomingOffsets.View, last.IncomingWeightIndex.View, last.Weights.View, terms.View);
        var host = terms.GetAsArray1D();
        host.AsSpan(0, features).CopyTo(error);
        host.AsSpan(features, features).CopyTo(rowStrength);
        host.AsSpan(2 * features, features).CopyTo(columnStrength);
    }

    /// <summary>
    /// One layer's drop, growth and rebuild after training step <paramref name="step"/>, as <see cref="WastStep.EvolveLayer"/>
    /// gives on the host copy; one of <paramref name="rowImportance"/> and <paramref name="columnImportance"/> is null
    /// (1 for every neuron of that side). Each stage is timed on its clock of <paramref name="clocks"/>.
    /// </summary>
    public (LayerEvolution Result, long Scored) EvolveLayer(DeviceLayer layer, int layerIndex, float[]? rowImportance, float[]? columnImportance,
                                                            double zeta, ulong seed, long step, (Stopwatch Drop, Stopwatch Growth, Stopwatch Rebuild) clocks)
    {
        if (rowImportance is not null && columnImportance is not null)
            throw new ArgumentException("WAST's layers join a hidden neuron (importance 1) to an input or an output: give one side's importance");
        int nnz = layer.Connections, rows = layer.Inputs, columns = layer.Outputs;
        if (nnz == 0) return (new LayerEvolution(layerIndex, default, 0, 0), 0);
        using var scratch = new DeviceScratch(accelerator);

        clocks.Drop.Start();
        var scaled = scratch.Alloc<float>(nnz);
        var rowScale = scratch.Alloc<float>(rowImportance?.Length ?? 1);
        var columnScale = scratch.Alloc<float>(columnImportance?.Length ?? 1);
        if (rowImportance is not null) rowScale.CopyFromCPU(rowImportance);
        if (columnImportance is not null) columnScale.CopyFromCPU(columnImportance);
        scaleByImportance(Launch.For(accelerator, rows), layer.RowOffsets.View, layer.Columns.View, rows, layer.Weights.View,
            rowScale.View, rowImportance is null ? 0 : 1, columnScale.View, columnImportance is null ? 0 : 1, scaled.View);
        var removed = scratch.Alloc<byte>(nnz);
        var survivors = scratch.Alloc<int>(rows);
        var prune = pruning.MarkRemovals(layer, scaled.View, zeta, removed, survivors, scratch);
        clocks.Drop.Stop();
        int count = (int)prune.Removed;
        if (count == 0) return (new LayerEvolution(layerIndex, prune, 0, nnz), 0);

        clocks.Growth.Start();
        bool onRows = rowImportance is not null;
        var old = SourceRows.Of(layer, removed);
        var (grown, scored) = Grow(layer, old, survivors, count, rowImportance ?? columnImportance, onRows,
                                   CounterRng.Key(seed, RngStream.WastTies, layerIndex, step), scratch);
        clocks.Growth.Stop();

        clocks.Rebuild.Start();
        var connections = rebuild.Run(layer, old, survivors, grown, count, CounterRng.Key(seed, RngStream.RegrowthWeights, layerIndex, step), scratch);
        layer.ReplaceConnections(connections);
        clocks.Rebuild.Stop();
        return (new LayerEvolution(layerIndex, prune, count, layer.Connections), scored);
    }

    /// <summary>The <paramref name="count"/> grown positions, ascending, in <paramref name="scratch"/>; and the positions scored.</summary>
    (ArrayView<long> Grown, long Scored) Grow(DeviceLayer layer, SourceRows old, MemoryBuffer1D<int, Stride1D.Dense> survivors, int count,
                                              float[]? importance, bool onRows, ulong key, DeviceScratch scratch)
    {
        int rows = layer.Inputs, columns = layer.Outputs;
        int[] free;
        if (onRows)
        {
            free = survivors.GetAsArray1D();
            for (int r = 0; r < rows; r++) free[r] = columns - free[r];
        }
        else
        {
            var kept = scratch.Alloc<int>(columns);
            kept.MemSetToZero();
            survivingColumnCounts(Launch.For(accelerator, layer.Connections), old.Columns, old.Removed, layer.Connections, kept.View);
            free = kept.GetAsArray1D();
            for (int c = 0; c < columns; c++) free[c] = rows - free[c];
        }
        var (order, other, takes) = ImportanceRegrowth.Plan(rows, columns, free, count, importance, onRows, key);

        // The neurons that take positions, in walk order, with their takes; the other side's place of every neuron in its order.
        var visited = order.Where(v => takes[v] > 0).ToArray();
        int visitedCount = visited.Length;
        var visitedTakes = visited.Select(v => takes[v]).ToArray();
        var place = new int[other.Length];
        for (int i = 0; i < other.Length; i++) place[other[i]] = i;

        var visitedView = Upload(scratch, visited);
        var cuts = scratch.Alloc<int>(onRows ? rows : columns);
        cuts.MemSetToZero();
        growthCuts(Launch.For(accelerator, visitedCount), visitedView, Upload(scratch, visitedTakes), visitedCount, Upload(scratch, other),
            onRows ? 1 : 0, old.Offsets, old.Columns, old.Removed, cuts.View);

        var ascendingView = Upload(scratch, onRows ? [] : visited.Order().ToArray()); // the visited columns, for growth on columns
        var placeView = Upload(scratch, place);
        var counts = scratch.Alloc<int>(rows + 1);
        counts.MemSetToZero();
        var starts = scratch.Alloc<int>(rows + 1);
        var grown = scratch.Alloc<long>(count);
        var config = Launch.For(accelerator, rows);
        grownPositions(config, rows, columns, onRows ? 1 : 0, cuts.View, placeView, ascendingView, onRows ? 0 : visitedCount,
            old.Offsets, old.Columns, old.Removed, 0, counts.View, starts.View, grown.View);
        scan.Exclusive(counts.View, starts.View, scratch.ScanTemp<int>(scan, rows + 1));
        grownPositions(config, rows, columns, onRows ? 1 : 0, cuts.View, placeView, ascendingView, onRows ? 0 : visitedCount,
            old.Offsets, old.Columns, old.Removed, 1, counts.View, starts.View, grown.View);
        long scored = cuts.GetAsArray1D().Sum(c => (long)c);
        int total = starts.View.SubView(rows, 1).GetAsArray1D()[0];
        if (total != count) throw new InvalidOperationException($"device growth listed {total} positions instead of {count}");
        return (grown.View, scored);
    }

    /// <summary>Frees the kept terms buffer.</summary>
    public void Dispose()
    {
        terms?.Dispose();
        terms = null;
    }

    static ArrayView<int> Upload(DeviceScratch scratch, int[] values)
    {
        var buffer = scratch.Alloc<int>(Math.Max(1, values.Length));
        if (values.Length > 0) buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        return buffer.View;
    }
}
