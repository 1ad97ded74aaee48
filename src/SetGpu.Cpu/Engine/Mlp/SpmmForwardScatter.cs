using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SetGpu.Model;

namespace SetGpu.Cpu;

/// <summary>
/// The forward pass of one layer for small batches, as a scatter over the CSR rows (one per input neuron):
/// <code>
///   for each input i whose activations x[i, :] are not all zero:
///       for each connection k of row i:   z[col[k], :] += W[k]·x[i, :]
///   z[j, :] += bias[j];  a = f(z), then dropout
/// </code>
/// It streams the layer's columns and weights once, in storage order, and skips inputs that are zero across the
/// batch (ReLU and dropout zero a third to a half of them at batch 2). The gather (<see cref="SpmmForwardGather"/>)
/// instead reads every weight at a random place through the permutation map: at batch 2 that random read, a whole
/// cache line for 4 bytes, is most of the forward pass once a network outgrows the cache. Without the gather the
/// engine needs no incoming index, 8 bytes per connection less.
/// <para>The rows are cut into <see cref="Partitions"/> fixed ranges of equal connection count; each range sums into
/// its own block (the first into z itself, the others into blocks of partial sums), and the blocks are added to z in
/// partition order, each as soon as it and every partition before it are complete (<see cref="Folds"/>). So no two
/// threads write the same place, and results do not depend on the number of threads. A block is free again once its
/// partition is in z: with two threads, two blocks serve the three partitions beyond the first.</para>
/// <para>Device twin: <c>SpmmForwardKernel</c>, a gather at every batch size.</para>
/// </summary>
internal static class SpmmForwardScatter
{
    /// <summary>Row ranges, each with its block of partial sums (the most threads the scatter can use).</summary>
    public const int Partitions = 4;

    /// <summary>
    /// The largest batch the engine runs through the scatter: up to 16 samples a connection's partial sums fill one
    /// cache line, so a pass costs about the same as at batch 2; larger batches repay the gather's random weight reads.
    /// </summary>
    public const int MaxBatch = 16;

    /// <summary>
    /// Blocks of partial sums: one per thread that can scatter beside the one summing into z, at most one per partition
    /// but the first, and at least two (the engine's backward pass keeps its deltas in them).
    /// </summary>
    public static readonly int PartialBlocks = Math.Clamp(WorkerPool.Threads, 2, Partitions - 1);

    /// <summary>The blocks of partial sums for layers of up to <paramref name="outputs"/> neurons at up to
    /// <paramref name="batch"/> samples (huge-page backed where the system gives them: the scatter writes them at random).</summary>
    public static float[][] NewPartials(int outputs, int batch) =>
        Enumerable.Range(0, PartialBlocks).Select(_ => HugePages.Allocate((long)outputs * batch)).ToArray();

    /// <summary>
    /// z and a (outputs × batch) of <paramref name="layer"/> from its input block; <paramref name="partials"/> is scratch
    /// from <see cref="NewPartials"/> (blocks of at least outputs × batch floats). z and a may be the same array (a layer
    /// whose pre-activations are not kept): each value of z is read just before its a is written.
    /// </summary>
    public static void Run(SparseLayer layer, float[] input, float[] z, float[] a, int batch, DropoutSpec? dropout,
                           float[][] partials)
    {
        var offsets = layer.Pattern.Offsets;
        var firstRows = new int[Partitions + 1];
        for (int p = 1; p < Partitions; p++)
        {
            // The first row that starts at or after p/Partitions of the connections.
            long target = (long)layer.Connections * p / Partitions;
            int row = Array.BinarySearch(offsets, 0, layer.Inputs, (int)target);
            if (row < 0) row = ~row;
            while (row > 0 && offsets[row - 1] == target) row--; // the first of equal offsets (empty rows before it)
            firstRows[p] = Math.Max(row, firstRows[p - 1]);
        }
        firstRows[Partitions] = layer.Inputs;
        var folds = new Folds(z, partials, layer.Outputs * batch);
        ParallelRows.ForEach(Partitions, (long)layer.Connections * batch, new Scatter(layer, input, batch, folds, firstRows));
        ParallelRows.For(layer.Outputs, (long)layer.Outputs * batch, new Finish(layer, z, a, batch, dropout));
    }

    /// <summary>
    /// The partitions' sums into z in partition order: z = ((p0 + p1) + p2) + p3, element by element, whichever thread
    /// computed which. Partition p ≥ 1 sums into block (p − 1) mod B once the partition before it in that block is in z;
    /// it waits only for lower partitions, which are claimed before it and run, so the wait ends.
    /// </summary>
    sealed class Folds(float[] z, float[][] blocks, int length)
    {
        readonly object _gate = new();
        readonly bool[] _complete = new bool[Partitions];
        int _folded; // partitions whose sums are in z: 0 … _folded − 1

        /// <summary>Where partition <paramref name="p"/> sums, once it is free.</summary>
        public Span<float> Target(int p)
        {
            if (p == 0) return z.AsSpan(0, length);
            int previous = p - blocks.Length; // the partition that summed into this block before
            if (previous >= 1)
                lock (_gate)
                    while (_folded <= previous) Monitor.Wait(_gate);
            return blocks[(p - 1) % blocks.Length].AsSpan(0, length);
        }

        /// <summary>Partition <paramref name="p"/> is complete: adds to z every complete partition next in order.</summary>
        public void Complete(int p)
        {
            lock (_gate)
            {
                _complete[p] = true;
                for (; _folded < Partitions && _complete[_folded]; _folded++)
                    if (_folded > 0)
                        TensorPrimitives.Add(z.AsSpan(0, length), blocks[(_folded - 1) % blocks.Length].AsSpan(0, length), z.AsSpan(0, length));
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Partition p: rows [firstRows[p], firstRows[p+1]) into its target, then folded into z in order.</summary>
    readonly struct Scatter(SparseLayer layer, float[] input, int batch, Folds folds, int[] firstRows) : IRowKernel
    {
        readonly int[] _offsets = layer.Pattern.Offsets, _columns = layer.Pattern.Columns;
        readonly float[] _weights = layer.Weights;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            for (int p = start; p < end; p++)
            {
                try
                {
                    var block = folds.Target(p);
                    block.Clear();
                    ref float zp = ref MemoryMarshal.GetReference(block);
                    if (batch == 2) ScatterPairs(ref zp, firstRows[p], firstRows[p + 1]);
                    else ScatterAny(ref zp, firstRows[p], firstRows[p + 1]);
                }
                finally
                {
                    folds.Complete(p); // even after a failure, so that no later partition waits for ever
                }
            }
        }

        /// <summary>Batch 2, the reference's: both activations and both sums of a connection in registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void ScatterPairs(ref float zp, int firstRow, int endRow)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_weights);
            ref float x = ref MemoryMarshal.GetArrayDataReference(input);
            for (int i = firstRow; i < endRow; i++)
            {
                float x0 = Unsafe.Add(ref x, 2 * i), x1 = Unsafe.Add(ref x, 2 * i + 1);
                if (x0 == 0f && x1 == 0f) continue;
                int kEnd = _offsets[i + 1];
                for (int k = _offsets[i]; k < kEnd; k++)
                {
                    float wk = Unsafe.Add(ref w, k);
                    ref float t = ref Unsafe.Add(ref zp, Unsafe.Add(ref columns, k) * 2);
                    t += wk * x0;
                    Unsafe.Add(ref t, 1) += wk * x1;
                }
            }
        }

        /// <summary>
        /// Any batch up to <see cref="MaxBatch"/>, a connection at a time: its row of partial sums (at most 64 bytes,
        /// one cache line) takes every sample's product before the next connection's row is touched.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void ScatterAny(ref float zp, int firstRow, int endRow)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_weights);
            int width = Vector<float>.Count, vectorEnd = batch - batch % width;
            for (int i = firstRow; i < endRow; i++)
            {
                var xRow = input.AsSpan(i * batch, batch);
                if (!xRow.ContainsAnyExcept(0f)) continue;
                ref float xi = ref MemoryMarshal.GetReference(xRow);
                int kEnd = _offsets[i + 1];
                for (int k = _offsets[i]; k < kEnd; k++)
                {
                    float wk = Unsafe.Add(ref w, k);
                    ref float t = ref Unsafe.Add(ref zp, Unsafe.Add(ref columns, k) * batch);
                    int b = 0;
                    for (; b < vectorEnd; b += width)
                    {
                        ref float tb = ref Unsafe.Add(ref t, b);
                        (Vector.LoadUnsafe(ref tb) + new Vector<float>(wk) * Vector.LoadUnsafe(ref Unsafe.Add(ref xi, b))).StoreUnsafe(ref tb);
                    }
                    for (; b < batch; b++) Unsafe.Add(ref t, b) += wk * Unsafe.Add(ref xi, b);
                }
            }
        }
    }

    /// <summary>z (every partition's sums) plus the bias; then the activation and dropout.</summary>
    readonly struct Finish(SparseLayer layer, float[] z, float[] a, int batch, DropoutSpec? dropout) : IRowKernel
    {
        readonly float[] _bias = layer.Bias;
        readonly float[]? _parameters = layer.ActivationParameters;
        readonly LayerActivation _activation = layer.Activation;
        readonly int _outputs = layer.Outputs;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            ref float zBase = ref MemoryMarshal.GetArrayDataReference(z);
            ref float aBase = ref MemoryMarshal.GetArrayDataReference(a);
            for (int j = start; j < end; j++)
            {
                ref float zRow = ref Unsafe.Add(ref zBase, j * batch);
                for (int b = 0; b < batch; b++) Unsafe.Add(ref zRow, b) += _bias[j];
                ForwardActivation.Apply(_activation, _parameters, _outputs, ref zRow, ref Unsafe.Add(ref aBase, j * batch), j, batch, dropout);
            }
        }
    }
}
