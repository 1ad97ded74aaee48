using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SetGpu.Sparse;

namespace SetGpu.Cpu.Rbm;

/// <summary>What a gather does with one finished row, whose accumulator holds bias + Σ w·x for every lane of the row.</summary>
internal interface IRowEpilogue
{
    void Apply(int row, Span<float> acc);
}

/// <summary>Where a row's terms come from: entry k reads source row Source(k) with weight Weight(k).</summary>
internal interface IGatherEntries
{
    int Start(int row);
    int End(int row);
    int Source(int k);
    float Weight(int k);
}

/// <summary>Hidden unit j's terms: its incoming connections, weights read through the permutation map (h = c + Wᵀv).</summary>
internal readonly struct IncomingEntries(IncomingIndex index, float[] weights) : IGatherEntries
{
    readonly int[] _offsets = index.Offsets, _inputs = index.Inputs, _perm = index.WeightIndex;

    public int Start(int row) => _offsets[row];
    public int End(int row) => _offsets[row + 1];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Source(int k) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_inputs), k);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Weight(int k) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weights),
                                             Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_perm), k));
}

/// <summary>Visible unit i's terms: its CSR row, weights in place (v = b + W h).</summary>
internal readonly struct RowEntries(CsrPattern pattern, float[] weights) : IGatherEntries
{
    readonly int[] _offsets = pattern.Offsets, _columns = pattern.Columns;

    public int Start(int row) => _offsets[row];
    public int End(int row) => _offsets[row + 1];
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Source(int k) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_columns), k);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Weight(int k) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weights), k);
}

/// <summary>
/// The RBM's sparse products as gathers over a block of <c>stride</c> lanes per unit (samples contiguous, the
/// batch padded to whole groups of <see cref="RbmLanes.Width"/>): for each row r, acc[:] = bias[r] + Σ_k
/// Weight(k)·src[Source(k), :], with the lanes cut into register tiles of 4, 2 and 1 groups that each walk the row's
/// entries once (the narrow tiles with several interleaved sums: the order <see cref="RbmLanes.GatherChains"/>
/// fixes), then the epilogue turns acc into probabilities, samples or free-energy terms while the row is hot. Each
/// row is computed by one thread in a fixed order, so results do not depend on the thread count. Device twin:
/// <c>RbmGatherKernel</c>.
/// </summary>
internal static class RbmGather
{
    /// <summary>Runs the gather over all rows (on the worker pool when large enough, see <see cref="RbmParallel"/>).</summary>
    public static void Run<TEntries, TEpilogue>(int rows, long connections, TEntries entries, float[] bias, float[] src,
                                                int stride, TEpilogue epilogue)
        where TEntries : struct, IGatherEntries where TEpilogue : struct, IRowEpilogue =>
        RbmParallel.For(rows, connections * stride, new Kernel<TEntries, TEpilogue>(entries, bias, src, stride, epilogue));

    readonly struct Kernel<TEntries, TEpilogue>(TEntries entries, float[] bias, float[] src, int stride, TEpilogue epilogue)
        : IRowKernel where TEntries : struct, IGatherEntries where TEpilogue : struct, IRowEpilogue
    {
        [ThreadStatic] static float[]? _acc;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            var acc = _acc is { } a && a.Length >= stride ? a : _acc = new float[Math.Max(stride, 64)];
            ref float x = ref MemoryMarshal.GetArrayDataReference(src);
            ref float dst = ref MemoryMarshal.GetArrayDataReference(acc);
            const int width = RbmLanes.Width;
            for (int row = start; row < end; row++)
            {
                int kStart = entries.Start(row), kEnd = entries.End(row);
                var init = Vector256.Create(bias[row]);
                int b = 0;
                for (; b + 4 * width <= stride; b += 4 * width)
                {
                    Vector256<float> a0 = init, a1 = init, a2 = init, a3 = init;
                    for (int k = kStart; k < kEnd; k++)
                    {
                        var w = Vector256.Create(entries.Weight(k));
                        ref float s = ref Unsafe.Add(ref x, entries.Source(k) * stride + b);
                        a0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref s), a0);
                        a1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref Unsafe.Add(ref s, width)), a1);
                        a2 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref Unsafe.Add(ref s, 2 * width)), a2);
                        a3 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref Unsafe.Add(ref s, 3 * width)), a3);
                    }
                    ref float d = ref Unsafe.Add(ref dst, b);
                    a0.StoreUnsafe(ref d);
                    a1.StoreUnsafe(ref Unsafe.Add(ref d, width));
                    a2.StoreUnsafe(ref Unsafe.Add(ref d, 2 * width));
                    a3.StoreUnsafe(ref Unsafe.Add(ref d, 3 * width));
                }
                if (b + 2 * width <= stride)
                {
                    // Even and odd entries into separate sums: two FMA chains per vector instead of one, since the
                    // latency of the dependent adds, not the loads, bounds a row of a few dozen entries.
                    Vector256<float> a0 = init, a1 = init, c0 = Vector256<float>.Zero, c1 = Vector256<float>.Zero;
                    int k = kStart;
                    for (; k + 1 < kEnd; k += 2)
                    {
                        var w = Vector256.Create(entries.Weight(k));
                        var u = Vector256.Create(entries.Weight(k + 1));
                        ref float s = ref Unsafe.Add(ref x, entries.Source(k) * stride + b);
                        ref float t = ref Unsafe.Add(ref x, entries.Source(k + 1) * stride + b);
                        a0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref s), a0);
                        a1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref Unsafe.Add(ref s, width)), a1);
                        c0 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref t), c0);
                        c1 = Vector256.FusedMultiplyAdd(u, Vector256.LoadUnsafe(ref Unsafe.Add(ref t, width)), c1);
                    }
                    if (k < kEnd)
                    {
                        var w = Vector256.Create(entries.Weight(k));
                        ref float s = ref Unsafe.Add(ref x, entries.Source(k) * stride + b);
                        a0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref s), a0);
                        a1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref Unsafe.Add(ref s, width)), a1);
                    }
                    (a0 + c0).StoreUnsafe(ref Unsafe.Add(ref dst, b));
                    (a1 + c1).StoreUnsafe(ref Unsafe.Add(ref dst, b + width));
                    b += 2 * width;
                }
                if (b < stride) // one vector left (the stride is a whole number of vectors)
                {
                    Vector256<float> a0 = init, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero, a3 = Vector256<float>.Zero;
                    int k = kStart;
                    for (; k + 3 < kEnd; k += 4)
                    {
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(entries.Weight(k)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, entries.Source(k) * stride + b)), a0);
                        a1 = Vector256.FusedMultiplyAdd(Vector256.Create(entries.Weight(k + 1)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, entries.Source(k + 1) * stride + b)), a1);
                        a2 = Vector256.FusedMultiplyAdd(Vector256.Create(entries.Weight(k + 2)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, entries.Source(k + 2) * stride + b)), a2);
                        a3 = Vector256.FusedMultiplyAdd(Vector256.Create(entries.Weight(k + 3)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, entries.Source(k + 3) * stride + b)), a3);
                    }
                    for (; k < kEnd; k++)
                        a0 = Vector256.FusedMultiplyAdd(Vector256.Create(entries.Weight(k)), Vector256.LoadUnsafe(ref Unsafe.Add(ref x, entries.Source(k) * stride + b)), a0);
                    ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref Unsafe.Add(ref dst, b));
                }
                epilogue.Apply(row, acc.AsSpan(0, stride));
            }
        }
    }
}
