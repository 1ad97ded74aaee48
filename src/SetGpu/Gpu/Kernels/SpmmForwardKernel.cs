using ILGPU;
using SetGpu.Model;

namespace SetGpu.Gpu.Kernels;

/// <summary>
/// The forward SpMM of a layer: a gather over each output neuron's incoming connections (the incoming index), generic
/// over how it reaches memory (<see cref="IDeviceArray{T}"/>: views on a device, pointers on ILGPU's CPU accelerator),
/// launched by <see cref="ITrainingLaunches.Forward"/>. Threads that follow each other handle neighbouring quads of
/// one neuron, read the same index entries and coalesce their activation reads. CPU twin: <c>SpmmForwardGather</c>
/// (and, for batches up to 16, <c>SpmmForwardScatter</c>).
/// </summary>
internal static class SpmmForwardKernel
{
    /// <summary>
    /// The forward gather (SpMM): z[j,b] = bias[j] + Σ over j's incoming connections W[perm[t]]·x[in[t], b];
    /// a = f(z) with dropout (softmax is left to <see cref="TrainingKernels.Output"/>). One work item per neuron and pair of quads
    /// (8 lanes): per connection three index/weight reads and two 16-byte activation reads feed eight multiply-adds.
    /// </summary>
    public static void Forward<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ x, TQ z, TQ a, int outputs, int batch, int quads,
                                           ActivationParams act)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX, pairs = (quads + 1) / 2, n = outputs * pairs;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int j = item / pairs, q = (item - j * pairs) * 2;
            bool second = q + 1 < quads;
            var s0 = new Quad(layer.Bias[j]);
            var s1 = s0;
            Gather(layer, x, quads, q, second, layer.IncomingOffsets[j], layer.IncomingOffsets[j + 1], ref s0, ref s1);
            int e = j * quads + q;
            var f = NeuronActivation.Of(layer, j, outputs, act);
            Finish(z, a, e, j, 4 * q, batch, act, f, s0);
            if (second) Finish(z, a, e + 1, j, 4 * q + 4, batch, act, f, s1);
        }
    }

    /// <summary>
    /// The first half of the split forward, for layers with too few output neurons to fill a device
    /// (<see cref="TrainingKernels.ForwardSegments"/>): neuron j's incoming list is cut into <paramref name="segments"/>
    /// equal parts, and each work item sums one part for one pair of quads into
    /// partial[(j · segments + k) · quads + q], without the bias. Neighbouring items share a part and coalesce.
    /// </summary>
    public static void ForwardPartial<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ x, TQ partial, int outputs, int quads, int segments)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX, pairs = (quads + 1) / 2;
        int n = outputs * segments * pairs; // bounded by TrainingKernels.ForwardSegments
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int part = item / pairs, q = (item - part * pairs) * 2, j = part / segments, k = part - j * segments;
            bool second = q + 1 < quads;
            int first = layer.IncomingOffsets[j], length = layer.IncomingOffsets[j + 1] - first;
            int t = first + (int)((long)length * k / segments), end = first + (int)((long)length * (k + 1) / segments);
            var s0 = new Quad(0f);
            var s1 = s0;
            Gather(layer, x, quads, q, second, t, end, ref s0, ref s1);
            int e = part * quads + q;
            partial[e] = s0;
            if (second) partial[e + 1] = s1;
        }
    }

    /// <summary>
    /// The second half of the split forward: z[j,b] = bias[j] + the parts of <see cref="ForwardPartial"/> in order,
    /// then a = f(z) with dropout, as <see cref="Forward"/> ends. One work item per neuron and quad.
    /// </summary>
    public static void ForwardFinish<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ partial, TQ z, TQ a, int outputs, int batch,
                                                 int quads, int segments, ActivationParams act)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        int stride = Grid.DimX * Group.DimX, n = outputs * quads;
        for (int item = Grid.GlobalLinearIndex; item < n; item += stride)
        {
            int j = item / quads, q = item - j * quads;
            var sum = new Quad(layer.Bias[j]);
            int e = j * segments * quads + q;
            for (int k = 0; k < segments; k++, e += quads) sum = sum.Plus(partial[e]);
            Finish(z, a, item, j, 4 * q, batch, act, NeuronActivation.Of(layer, j, outputs, act), sum);
        }
    }

    /// <summary>
    /// Adds connections [t, end) of an incoming list to s0 (quad q) and s1 (quad q + 1, when <paramref name="second"/>).
    /// Even and odd connections go into separate sums, folded at the end: four independent add chains instead of two,
    /// since the add latency, not the loads, bounds a CPU running a work item (PoCL, the CPU accelerator).
    /// </summary>
    static void Gather<TF, TI, TQ>(LayerArrays<TF, TI> layer, TQ x, int quads, int q, bool second, int t, int end,
                                   ref Quad s0, ref Quad s1)
        where TF : struct, IDeviceArray<float> where TI : struct, IDeviceArray<int> where TQ : struct, IDeviceArray<Quad>
    {
        var u0 = new Quad(0f);
        var u1 = u0;
        for (; t + 1 < end; t += 2)
        {
            float w = layer.Weights[layer.IncomingWeightIndex[t]], v = layer.Weights[layer.IncomingWeightIndex[t + 1]];
            int at = layer.IncomingInputs[t] * quads + q, bt = layer.IncomingInputs[t + 1] * quads + q;
            s0 = s0.AddScaled(w, x[at]);
            u0 = u0.AddScaled(v, x[bt]);
            if (second)
            {
                s1 = s1.AddScaled(w, x[at + 1]);
                u1 = u1.AddScaled(v, x[bt + 1]);
            }
        }
        if (t < end)
        {
            float w = layer.Weights[layer.IncomingWeightIndex[t]];
            int at = layer.IncomingInputs[t] * quads + q;
            s0 = s0.AddScaled(w, x[at]);
            if (second) s1 = s1.AddScaled(w, x[at + 1]);
        }
        s0 = s0.Plus(u0);
        s1 = s1.Plus(u1);
    }

    static void Finish<TQ>(TQ z, TQ a, int e, int j, int b0, int batch, ActivationParams act, NeuronActivation f, Quad sum)
        where TQ : struct, IDeviceArray<Quad>
    {
        z[e] = sum;
        if (act.Kind == (int)ActivationKind.Softmax) return;
        var v = new Quad();
        for (int c = 0; c < 4; c++)
        {
            float y = f.Apply(sum.Lane(c));
            if (act.DropoutEnabled != 0) y *= act.DropFactor(j, b0 + c, batch);
            v.SetLane(c, y);
        }
        a[e] = v;
    }
}
