using SetGpu.Cpu;
using SetGpu.Evolution;

namespace SetGpu.Model;

/// <summary>
/// The bytes a network of a specification needs in the CPU engine, by phase, from its shape alone (before anything is
/// allocated): what the memory check compares with the memory the machine has. Each figure counts the arrays the
/// code allocates (see docs/scale.md for the formula), not the runtime and the data, which the process holds already.
/// </summary>
/// <param name="Training">The network as it trains: per connection a column index, a weight and the optimiser's state
/// (4 · (2 + S) bytes, S = 1 for SGD, 2 for Adam), the row offsets, biases with their state, the blocks of a training
/// batch (activations, the pre-activations kept, the scatter's partial sums or two blocks of deltas), and for batches
/// above 16 the gather's incoming index (8 bytes per connection).</param>
/// <param name="CreationPeak">The most while the layers are made one after another: the layers made so far, and the
/// regrowth's candidates and result for the next.</param>
/// <param name="EvaluationPeak">The most while a split is evaluated: <paramref name="Training"/> plus the evaluation
/// batch's activation blocks and partial sums (or the incoming index).</param>
/// <param name="EvolutionPeak">The most during an evolution step: the network, plus for the largest evolving layer
/// its removal mask (1 byte per connection), the regrowth's candidates and the regrown positions, and one new array
/// of the rebuild (4 bytes per connection) beside the resident memory of the one it replaces.</param>
public readonly record struct NetworkMemory(long Training, long CreationPeak, long EvaluationPeak, long EvolutionPeak)
{
    /// <summary>The most of all phases: what the run needs.</summary>
    public long Peak => Math.Max(Math.Max(Training, CreationPeak), Math.Max(EvaluationPeak, EvolutionPeak));

    /// <summary>Which phase <see cref="Peak"/> is.</summary>
    public string PeakPhase =>
        Peak == EvolutionPeak ? "evolution" : Peak == CreationPeak ? "creation" : Peak == EvaluationPeak ? "evaluation" : "training";

    /// <summary>The estimate for the CPU engine. <paramref name="spec"/> must be valid.</summary>
    public static NetworkMemory ForCpu(SetMlpSpec spec)
    {
        int layers = spec.LayerCount, states = spec.Optimizer.StateArrays;
        var connections = Enumerable.Range(0, layers).Select(spec.InitialConnections).ToArray();
        long total = connections.Sum();
        long neurons = spec.LayerSizes.Sum(n => (long)n), beyondInput = neurons - spec.LayerSizes[0];
        int widest = spec.LayerSizes.Skip(1).Max();

        var layerBytes = new long[layers];
        for (int l = 0; l < layers; l++)
        {
            int outputs = spec.LayerSizes[l + 1];
            long parameters = SparseLayer.ParameterCount(spec.ActivationOf(l), outputs);
            layerBytes[l] = connections[l] * 4 * (2 + states) + 4L * (spec.LayerSizes[l] + 1)
                            + 4L * (outputs + parameters) * (1 + states);
        }
        long network = layerBytes.Sum();
        bool gather = spec.BatchSize > SpmmForwardScatter.MaxBatch;
        long incoming = connections.Sum(c => 8 * c) + 4 * (beyondInput + layers);
        long training = network + Blocks(spec, spec.BatchSize, training: true, widest) + (gather ? incoming : 0);

        int evaluationBatch = CpuEngine.EvaluationBatchSize(spec, total);
        long evaluation = training + Blocks(spec, evaluationBatch, training: false, widest)
                          + (evaluationBatch > SpmmForwardScatter.MaxBatch && !gather ? incoming : 0);

        // Evolution drops the incoming index first; the step of the largest evolving layer is the peak.
        long evolution = training;
        for (int l = 0; l < layers; l++)
            if (spec.Evolves(l))
                evolution = Math.Max(evolution, training - (gather ? incoming : 0)
                                                + EvolutionExtra(spec.LayerSizes[l], spec.LayerSizes[l + 1], connections[l], spec.Zeta));

        // Creation: big networks make their layers one at a time, small ones all at once.
        bool oneAtATime = total >= 1 << 24;
        long creation = 0, made = 0;
        for (int l = 0; l < layers; l++)
        {
            long extra = RegrowthBytes(spec.LayerSizes[l], spec.LayerSizes[l + 1], taken: 0, connections[l]);
            creation = oneAtATime ? Math.Max(creation, made + Math.Max(extra, layerBytes[l])) : creation + extra + layerBytes[l];
            made += layerBytes[l];
        }
        return new NetworkMemory(training, creation, evaluation, evolution);
    }

    /// <summary>
    /// The blocks of one batch size: the activations of every layer, the pre-activations the engine keeps
    /// (<see cref="CpuEngine.KeepsPreActivations"/>), and for small batches the scatter's partial sums, which hold the
    /// training's deltas too; for large ones the two blocks of deltas (<see cref="CpuEngine.DeltaBlockLengths"/>).
    /// </summary>
    static long Blocks(SetMlpSpec spec, int batch, bool training, int widest)
    {
        var sizes = spec.LayerSizes;
        long perSample = sizes.Sum(n => (long)n)
                         + Enumerable.Range(0, spec.LayerCount).Where(l => CpuEngine.KeepsPreActivations(spec, l, training)).Sum(l => (long)sizes[l + 1]);
        if (batch <= SpmmForwardScatter.MaxBatch) perSample += (long)SpmmForwardScatter.PartialBlocks * widest;
        else if (training) perSample += CpuEngine.DeltaBlockLengths(spec).Sum();
        return 4L * batch * perSample;
    }

    /// <summary>What one layer's evolution step adds to the network: the removal mask, the regrowth's candidates and
    /// result, and the rebuild's new offsets and one new array. The regrowth's arrays are counted through the rebuild,
    /// and the rebuild's new array twice: freed memory (the regrowth's arrays, each array the rebuild replaces) stays
    /// resident with the runtime's large-object heap after the step's non-compacting collections, and a new array does
    /// not always reuse it (measured: docs/scale.md).</summary>
    static long EvolutionExtra(int rows, int columns, long connections, double zeta)
    {
        long removed = (long)Math.Floor(zeta * connections); // both signs together: at most one more than the step removes
        long regrowth = RegrowthBytes(rows, columns, connections - removed, removed);
        long rebuild = 8L * rows + 2 * 4 * connections;
        return connections + regrowth + rebuild;
    }

    /// <summary>The regrowth's working arrays and its result for <paramref name="count"/> new positions.</summary>
    static long RegrowthBytes(int rows, int columns, long taken, long count)
    {
        long positions = (long)rows * columns;
        long result = 4 * count + 4L * rows;
        if (count == 0) return 0;
        if (Regrowth.UsesDenseMode(positions, taken, count))
            return 20 * (positions - taken) + 8 * count + result; // a hash, a position and an order index per empty position
        long chunk = Math.Min(Regrowth.MaxChunk(count), (long)(count * (double)positions / (positions - taken) * 1.02) + 64 + count / 64);
        bool chunked = chunk < count;
        // Per candidate its position and its sort entry (8 + 8) and a flag; per row three counts; accepted positions
        // twice while a later chunk merges into them.
        return 17 * chunk + 12L * rows + (chunked ? 2 * result : result);
    }
}
