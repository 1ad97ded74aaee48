using SetGpu.Sparse;

namespace SetGpu.Analysis;

/// <summary>
/// Two layers seen as sets: output neuron r of the first has the set A_r of its input neurons, output neuron c of the
/// second the set B_c, its inputs renamed by the matching of the layer below (input q of the second network is input
/// <c>inputOf1[q]</c> of the first). Intersections come from the second layer's rows: for each input of A_r, the
/// outputs of the second layer that share it, so the work is the sum over inputs of the two out-degrees' product and
/// no dense inputs × outputs mask is ever made.
/// </summary>
internal sealed class NeuronSets
{
    readonly IncomingIndex _incoming1, _incoming2;
    readonly CsrPattern _pattern2;
    readonly int[] _rowOf2; // for an input of the first network, the row of the second network that is the same neuron
    readonly int[] _inputOf1;

    public NeuronSets(LayerTopology first, LayerTopology second, int[] inputOf1)
    {
        _incoming1 = IncomingIndex.Build(first.Pattern, first.Outputs);
        _incoming2 = IncomingIndex.Build(second.Pattern, second.Outputs);
        _pattern2 = second.Pattern;
        _inputOf1 = inputOf1;
        _rowOf2 = new int[inputOf1.Length];
        for (int q = 0; q < inputOf1.Length; q++) _rowOf2[inputOf1[q]] = q;
        Neurons = first.Outputs;
        Inputs = first.Inputs;
    }

    /// <summary>Input neurons of each layer.</summary>
    public int Inputs { get; }

    /// <summary>Output neurons in each layer.</summary>
    public int Neurons { get; }

    /// <summary>|A_r|.</summary>
    public int SizeOf1(int r) => _incoming1.Offsets[r + 1] - _incoming1.Offsets[r];

    /// <summary>|B_c|.</summary>
    public int SizeOf2(int c) => _incoming2.Offsets[c + 1] - _incoming2.Offsets[c];

    /// <summary>
    /// Adds |A_r ∩ B_c| to <paramref name="counts"/>[c] for every c, and lists in <paramref name="touched"/> each c
    /// it made non-zero; returns how many it listed. <paramref name="counts"/> must be zero on entry.
    /// </summary>
    public int Intersections(int r, int[] counts, int[] touched)
    {
        int listed = 0;
        var offsets2 = _pattern2.Offsets;
        var columns2 = _pattern2.Columns;
        for (int k = _incoming1.Offsets[r]; k < _incoming1.Offsets[r + 1]; k++)
        {
            int q = _rowOf2[_incoming1.Inputs[k]];
            for (int e = offsets2[q]; e < offsets2[q + 1]; e++)
            {
                int c = columns2[e];
                if (counts[c]++ == 0) touched[listed++] = c;
            }
        }
        return listed;
    }

    /// <summary>|A_r ∩ B_c| of one pair, by marking A_r in <paramref name="marks"/> (all false on entry and on return).</summary>
    public int Intersection(int r, int c, bool[] marks)
    {
        var inputs1 = _incoming1.Inputs;
        for (int k = _incoming1.Offsets[r]; k < _incoming1.Offsets[r + 1]; k++) marks[inputs1[k]] = true;
        int shared = 0;
        for (int k = _incoming2.Offsets[c]; k < _incoming2.Offsets[c + 1]; k++)
            if (marks[_inputOf1[_incoming2.Inputs[k]]]) shared++;
        for (int k = _incoming1.Offsets[r]; k < _incoming1.Offsets[r + 1]; k++) marks[inputs1[k]] = false;
        return shared;
    }

    /// <summary>
    /// The Jaccard distance (|A∖B| + |B∖A|) / |A∪B| of two sets of sizes <paramref name="a"/> and <paramref name="b"/>
    /// sharing <paramref name="shared"/> elements; 0 for two empty sets.
    /// </summary>
    public static double Jaccard(int a, int b, int shared)
    {
        int union = a + b - shared;
        return union == 0 ? 0 : (double)(union - shared) / union;
    }
}
