using SetGpu.Model;

namespace SetGpu.Export.Onnx;

/// <summary>
/// A sparse layer's output neurons grouped by their number of incoming connections (in-degree), each group padded
/// to its largest in-degree: a rectangular block of (input, weight) per group that <c>Gather</c> and a batched
/// <c>MatMul</c> compute, deterministically and in parallel (a scatter with reduction add would need atomic adds,
/// which ONNX Runtime's parallel <c>ScatterND</c> does not make: it loses additions). A group holds neurons whose
/// in-degrees lie within a quarter of each other, so padding adds at most a quarter to the connections (plus one slot
/// per unconnected neuron), whatever the degree distribution evolution leaves.
/// </summary>
/// <param name="Outputs">The output neurons of each group, in the order of its rows.</param>
/// <param name="Width">Each group's padded in-degree (at least 1).</param>
/// <param name="Inputs">Each group's input neuron per slot, row-major Outputs.Length × Width; padding slots take input 0.</param>
/// <param name="Weights">Each group's weight per slot, aligned with <paramref name="Inputs"/>; 0 in padding slots.</param>
internal sealed record DegreeBuckets(int[][] Outputs, int[] Width, int[][] Inputs, float[][] Weights)
{
    /// <summary>Largest in-degree a group admits, as a multiple of its smallest.</summary>
    public const double Spread = 1.25;

    public static DegreeBuckets Of(SparseLayer layer)
    {
        var pattern = layer.Pattern;
        // Incoming connections of every output (the layer stores outgoing ones, per input).
        var start = new int[layer.Outputs + 1];
        foreach (int j in pattern.Columns) start[j + 1]++;
        for (int j = 0; j < layer.Outputs; j++) start[j + 1] += start[j];
        var next = start[..^1];
        var inputOf = new int[pattern.Count];
        var weightOf = new float[pattern.Count];
        for (int i = 0; i < layer.Inputs; i++)
            for (int k = pattern.Offsets[i]; k < pattern.Offsets[i + 1]; k++)
            {
                int at = next[pattern.Columns[k]]++;
                inputOf[at] = i;
                weightOf[at] = layer.Weights[k];
            }

        int Degree(int j) => start[j + 1] - start[j];
        var order = Enumerable.Range(0, layer.Outputs).OrderBy(Degree).ToArray();
        var outputs = new List<int[]>();
        var widths = new List<int>();
        var inputs = new List<int[]>();
        var weights = new List<float[]>();
        for (int first = 0; first < order.Length;)
        {
            int smallest = Degree(order[first]), last = first;
            while (last + 1 < order.Length && Degree(order[last + 1]) <= Math.Max(smallest * Spread, smallest + 1)) last++;
            var group = order[first..(last + 1)];
            int width = Math.Max(1, Degree(order[last]));
            var groupInputs = new int[group.Length * width];
            var groupWeights = new float[group.Length * width];
            for (int r = 0; r < group.Length; r++)
            {
                int j = group[r], degree = Degree(j);
                Array.Copy(inputOf, start[j], groupInputs, r * width, degree);
                Array.Copy(weightOf, start[j], groupWeights, r * width, degree);
            }
            outputs.Add(group);
            widths.Add(width);
            inputs.Add(groupInputs);
            weights.Add(groupWeights);
            first = last + 1;
        }
        return new DegreeBuckets([.. outputs], [.. widths], [.. inputs], [.. weights]);
    }

    /// <summary>For each output neuron, its row in the groups' rows stacked in order: the gather that restores the neurons' order.</summary>
    public int[] RowOfOutput()
    {
        var rowOf = new int[Outputs.Sum(g => g.Length)];
        int row = 0;
        foreach (var group in Outputs)
            foreach (int j in group) rowOf[j] = row++;
        return rowOf;
    }
}
