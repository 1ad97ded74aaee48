using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// The backward pass of a layer fused with its weight update, in one sweep over the layer's CSR rows (one per
/// input neuron i; one thread owns each row, so its writes are contiguous and nothing is locked). For each
/// connection k of row i, to output j = col[k]:
/// <code>
///   δin[i,:] += W[k]·δout[j,:]                              (transposed SpMM, with W before this step)
///   g = mean_b δout[j,b]·x[i,b];  W[k] ← optimiser step       (SDDMM; x[i,:] stays in registers)
/// </code>
/// then δin[i,:] *= f'(z_in[i,:])·dropout, f' taken from the inputs' activations x where that is exact
/// (<see cref="ActivationMath.DerivativeFromOutputIsExact"/>: ReLU, and sigmoid or tanh without dropout), so that the
/// engine keeps no pre-activation block for those layers. Each weight is read for the backward sum before its own update and
/// written once. For the first layer nobody needs δin, and the sweep only updates. The optimiser is a struct type
/// argument (<see cref="IOptimizerStep"/>), so each rule gets loops of its own and SGD's are unchanged by the others.
/// An SReLU input layer gets δin without its derivative (it needs the neuron's parameters): <see cref="SReluUpdate"/>
/// multiplies it in. Device twins: <c>SpmmBackwardKernel</c> (transposed SpMM backward) and <c>SddmmUpdateKernel</c>
/// (SDDMM update), two launches there.
/// </summary>
internal static class SpmmBackwardUpdate
{
    /// <param name="layer">The layer whose output deltas are known; its weights are updated.</param>
    /// <param name="deltaOut">δ of the layer's outputs (outputs × batch).</param>
    /// <param name="input">The layer's input activations as used in the forward pass (inputs × batch).</param>
    /// <param name="inputZ">Pre-activations of the layer's inputs (inputs × batch), or null to take the derivative from
    /// <paramref name="input"/> (only where <see cref="ActivationMath.DerivativeFromOutputIsExact"/>); unused when δin is
    /// not wanted.</param>
    /// <param name="inputActivation">Activation of the layer's inputs.</param>
    /// <param name="deltaIn">Receives δ of the inputs (inputs × batch); null when not wanted.</param>
    /// <param name="batch">Samples in the batch.</param>
    /// <param name="dropout">The dropout applied to the inputs in the forward pass, if any.</param>
    /// <param name="step">The optimiser at this step.</param>
    public static void Run<TStep>(SparseLayer layer, float[] deltaOut, float[] input, float[]? inputZ,
                                  LayerActivation inputActivation, float[]? deltaIn, int batch, DropoutSpec? dropout,
                                  TStep step) where TStep : struct, IOptimizerStep =>
        ParallelRows.For(layer.Inputs, (long)layer.Connections * batch,
            new Kernel<TStep>(layer, deltaOut, input, inputZ, inputActivation, deltaIn, batch, dropout, step));

    readonly struct Kernel<TStep>(SparseLayer layer, float[] deltaOut, float[] input, float[]? inputZ,
                                  LayerActivation inputActivation, float[]? deltaIn, int batch, DropoutSpec? dropout,
                                  TStep step) : IRowKernel where TStep : struct, IOptimizerStep
    {
        readonly int[] _offsets = layer.Pattern.Offsets, _columns = layer.Pattern.Columns;
        // A one-array rule never touches the second: it is the first again, so that its references stay in bounds.
        readonly float[] _w = layer.Weights, _v = layer.WeightState[0], _v2 = layer.WeightState[^1];

        [ThreadStatic] static Vector<float>[]? _vectorGradients;
        [ThreadStatic] static float[]? _scalarGradients, _discard;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int start, int end)
        {
            ref int columns = ref MemoryMarshal.GetArrayDataReference(_columns);
            ref float w = ref MemoryMarshal.GetArrayDataReference(_w);
            ref float v = ref MemoryMarshal.GetArrayDataReference(_v);
            ref float v2 = ref MemoryMarshal.GetArrayDataReference(_v2);
            ref float dOut = ref MemoryMarshal.GetArrayDataReference(deltaOut);
            ref float xBase = ref MemoryMarshal.GetArrayDataReference(input);
            bool wantDeltaIn = deltaIn is not null;
            // Without δin the sums still run (cheap) into a scratch row, which keeps one code path.
            var sink = deltaIn ?? (_discard is { } scratch && scratch.Length >= batch ? scratch : _discard = new float[Math.Max(batch, 256)]);
            ref float sinkBase = ref MemoryMarshal.GetArrayDataReference(sink);
            float invBatch = 1f / batch;
            for (int i = start; i < end; i++)
            {
                int kStart = _offsets[i], kEnd = _offsets[i + 1];
                ref float x = ref Unsafe.Add(ref xBase, i * batch);
                ref float dIn = ref wantDeltaIn ? ref Unsafe.Add(ref sinkBase, i * batch) : ref sinkBase;
                if (batch == 2) // the reference's batch size: everything in registers
                    Pairs(ref dIn, x * invBatch, Unsafe.Add(ref x, 1) * invBatch, ref dOut, ref columns, ref w, ref v, ref v2, kStart, kEnd);
                else
                    General(ref dIn, ref x, ref dOut, ref columns, ref w, ref v, ref v2, kStart, kEnd, invBatch);

                if (!wantDeltaIn) continue;
                var (kind, slope) = (inputActivation.Kind, inputActivation.Slope);
                bool fromOutput = inputZ is null;
                ref float values = ref fromOutput ? ref x : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(inputZ!), i * batch);
                for (int b = 0; b < batch; b++)
                {
                    float value = Unsafe.Add(ref values, b);
                    float g = fromOutput ? ActivationMath.DerivativeFromOutput(kind, slope, value) : ActivationMath.Derivative(kind, slope, value);
                    if (dropout is { } drop) g *= DropoutMask.Factor(drop.Key, i, b, batch, drop.Rate, drop.KeepScale);
                    Unsafe.Add(ref dIn, b) *= g;
                }
            }
        }

        /// <summary>
        /// Batch 2 (the reference's), one row: eight connections per step with their two output deltas gathered
        /// (AVX2), then two per step into separate sums (halves the add-latency chain of δin). x0, x1 carry 1/batch.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Pairs(ref float dIn, float x0, float x1, ref float dOut, ref int columns, ref float w, ref float v, ref float v2,
                   int kStart, int kEnd)
        {
            float s0 = 0f, s1 = 0f, t0 = 0f, t1 = 0f;
            int k = kStart;
            if (Avx2.IsSupported && kEnd - kStart >= 8)
            {
                Vector256<float> sum0 = Vector256<float>.Zero, sum1 = sum0, vx0 = Vector256.Create(x0), vx1 = Vector256.Create(x1);
                unsafe
                {
                    // dOut is a pinned-for-the-call managed array: the gather needs a pointer.
                    fixed (float* d = &dOut)
                        for (; k + 8 <= kEnd; k += 8)
                        {
                            var twice = Avx2.ShiftLeftLogical(Vector256.LoadUnsafe(ref Unsafe.Add(ref columns, k)), 1);
                            var d0 = Avx2.GatherVector256(d, twice, sizeof(float));
                            var d1 = Avx2.GatherVector256(d + 1, twice, sizeof(float));
                            ref float wk = ref Unsafe.Add(ref w, k);
                            var old = Vector256.LoadUnsafe(ref wk);
                            sum0 += old * d0;
                            sum1 += old * d1;
                            step.Apply(old, ref Unsafe.Add(ref v, k), ref Unsafe.Add(ref v2, k), d0 * vx0 + d1 * vx1).StoreUnsafe(ref wk);
                        }
                }
                s0 = Vector256.Sum(sum0);
                s1 = Vector256.Sum(sum1);
            }
            for (; k + 1 < kEnd; k += 2)
            {
                ref float d = ref Unsafe.Add(ref dOut, Unsafe.Add(ref columns, k) * 2);
                ref float e = ref Unsafe.Add(ref dOut, Unsafe.Add(ref columns, k + 1) * 2);
                float d0 = d, d1 = Unsafe.Add(ref d, 1), e0 = e, e1 = Unsafe.Add(ref e, 1);
                ref float wk = ref Unsafe.Add(ref w, k);
                ref float wn = ref Unsafe.Add(ref wk, 1);
                float old = wk, next = wn;
                s0 += old * d0;
                s1 += old * d1;
                t0 += next * e0;
                t1 += next * e1;
                wk = step.Apply(old, ref Unsafe.Add(ref v, k), ref Unsafe.Add(ref v2, k), d0 * x0 + d1 * x1);
                wn = step.Apply(next, ref Unsafe.Add(ref v, k + 1), ref Unsafe.Add(ref v2, k + 1), e0 * x0 + e1 * x1);
            }
            if (k < kEnd)
            {
                ref float d = ref Unsafe.Add(ref dOut, Unsafe.Add(ref columns, k) * 2);
                float d0 = d, d1 = Unsafe.Add(ref d, 1);
                ref float wk = ref Unsafe.Add(ref w, k);
                float old = wk;
                s0 += old * d0;
                s1 += old * d1;
                wk = step.Apply(old, ref Unsafe.Add(ref v, k), ref Unsafe.Add(ref v2, k), d0 * x0 + d1 * x1);
            }
            dIn = s0 + t0;
            Unsafe.Add(ref dIn, 1) = s1 + t1;
        }

        /// <summary>
        /// Any batch size: the batch in vector tiles, each sweeping the row with its δin sum in a register and
        /// adding its share of every connection's gradient to per-thread buffers (vector partial sums, reduced once
        /// at the end); the updates come after the last tile, so every tile reads the weights from before this step.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void General(ref float dIn, ref float x, ref float dOut, ref int columns, ref float w, ref float v, ref float v2,
                     int kStart, int kEnd, float invBatch)
        {
            int degree = kEnd - kStart, width = Vector<float>.Count, b = 0;
            if (_vectorGradients is null || _vectorGradients.Length < degree)
            {
                _vectorGradients = new Vector<float>[Math.Max(degree, 1024)];
                _scalarGradients = new float[Math.Max(degree, 1024)];
            }
            ref var gv = ref MemoryMarshal.GetArrayDataReference(_vectorGradients);
            ref float gs = ref MemoryMarshal.GetArrayDataReference(_scalarGradients!);
            MemoryMarshal.CreateSpan(ref gv, degree).Clear();
            MemoryMarshal.CreateSpan(ref gs, degree).Clear();
            for (; b + width <= batch; b += width)
            {
                var xv = Vector.LoadUnsafe(ref Unsafe.Add(ref x, b));
                var sum = Vector<float>.Zero;
                for (int k = kStart; k < kEnd; k++)
                {
                    var d = Vector.LoadUnsafe(ref Unsafe.Add(ref dOut, Unsafe.Add(ref columns, k) * batch + b));
                    sum += new Vector<float>(Unsafe.Add(ref w, k)) * d;
                    Unsafe.Add(ref gv, k - kStart) += d * xv;
                }
                sum.StoreUnsafe(ref Unsafe.Add(ref dIn, b));
            }
            for (; b < batch; b++)
            {
                float xb = Unsafe.Add(ref x, b), sum = 0f;
                for (int k = kStart; k < kEnd; k++)
                {
                    float d = Unsafe.Add(ref dOut, Unsafe.Add(ref columns, k) * batch + b);
                    sum += Unsafe.Add(ref w, k) * d;
                    Unsafe.Add(ref gs, k - kStart) += d * xb;
                }
                Unsafe.Add(ref dIn, b) = sum;
            }
            bool vectors = batch >= width;
            for (int k = kStart; k < kEnd; k++)
            {
                float g = Unsafe.Add(ref gs, k - kStart) + (vectors ? Vector.Sum(Unsafe.Add(ref gv, k - kStart)) : 0f);
                ref float wk = ref Unsafe.Add(ref w, k);
                wk = step.Apply(wk, ref Unsafe.Add(ref v, k), ref Unsafe.Add(ref v2, k), g * invBatch);
            }
        }
    }
}
