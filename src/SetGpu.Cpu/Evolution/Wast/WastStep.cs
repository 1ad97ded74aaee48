using System.Diagnostics;
using SetGpu.Model;
using SetGpu.Rng;

namespace SetGpu.Evolution.Wast;

/// <summary>
/// WAST's per-batch work on a one-hidden-layer autoencoder held on the host: the importance added after every batch
/// (<see cref="NeuronImportance"/>) and, every <see cref="WastEvolution.EveryBatches"/> batches, each evolving layer's drop
/// (<see cref="ImportancePruning"/>), growth (<see cref="ImportanceRegrowth"/>) and CSR rebuild (<see cref="CsrRebuild"/>:
/// survivors keep weight and optimiser state; new connections get the layer's initialiser values, as SET's do, with zero
/// state). Not 0: WAST's dense code lets a regrown weight start from the momentum its masked position kept gathering, which
/// a truly sparse network does not hold, and a new weight at 0 is the next step's smallest |w| · importance, so the drop
/// would only ever take back the connections just grown. Layer 1 (inputs → hidden) is scaled and grown by the input neurons' importance, layer 2
/// (hidden → outputs) by the output neurons'; hidden neurons count 1. The connection count of every layer stays exact.
/// </summary>
public sealed class WastStep
{
    readonly WastEvolution _settings;
    readonly SetMlpSpec _spec;
    readonly LayerEvolution[] _sinceLastTake;
    // Per layer: the importance-scaled weights and the removal mask of a step, kept between steps (the connection
    // count of a layer never changes) so that a step allocates no connection-sized scratch.
    readonly float[]?[] _scaled;
    readonly byte[]?[] _removed;
    readonly Stopwatch _importanceClock = new(), _evolutionClock = new();
    readonly Stopwatch _dropClock = new(), _growthClock = new(), _rebuildClock = new(), _indexClock = new();

    /// <summary>WAST's state for a network of <paramref name="spec"/> (whose <see cref="SetMlpSpec.Wast"/> is set).</summary>
    public WastStep(SetMlpSpec spec)
    {
        _spec = spec;
        _settings = spec.Wast ?? throw new ArgumentException("the specification has no WAST settings (Wast is null)");
        Importance = new NeuronImportance(spec.LayerSizes[0], spec.LayerSizes[^1]);
        _sinceLastTake = new LayerEvolution[spec.LayerCount];
        for (int l = 0; l < _sinceLastTake.Length; l++) _sinceLastTake[l] = new LayerEvolution(l, default, 0, 0);
        _scaled = new float[spec.LayerCount][];
        _removed = new byte[spec.LayerCount][];
    }

    /// <summary>The running importance of the input and output neurons.</summary>
    public NeuronImportance Importance { get; }
    /// <summary>Evolution steps taken.</summary>
    public long Steps { get; private set; }
    /// <summary>Positions the growth scored in all its steps (at most the regrown count plus the taken positions met).</summary>
    public long Scored { get; private set; }
    /// <summary>Seconds spent adding importance.</summary>
    public double ImportanceSeconds => _importanceClock.Elapsed.TotalSeconds;
    /// <summary>Seconds spent in drop, growth and rebuild (the caller's index rebuilds included when it times them here).</summary>
    public double EvolutionSeconds => _evolutionClock.Elapsed.TotalSeconds;
    /// <summary>Where <see cref="EvolutionSeconds"/> went: drop (scaling and marking), growth, CSR rebuild, and the caller's work after each layer (the engine's incoming index).</summary>
    public WastStages Stages => new(_dropClock.Elapsed.TotalSeconds, _growthClock.Elapsed.TotalSeconds,
                                    _rebuildClock.Elapsed.TotalSeconds, _indexClock.Elapsed.TotalSeconds);

    /// <summary>Adds one batch to the importance (see <see cref="NeuronImportance.Add"/>).</summary>
    public void AddBatch(float[] clean, float[] reconstruction, int batch, IReadOnlyList<SparseLayer> layers)
    {
        _importanceClock.Start();
        Importance.Add(clean, reconstruction, batch, layers[0], layers[^1], _settings.Lambda);
        _importanceClock.Stop();
    }

    /// <summary>
    /// Adds one batch whose terms <paramref name="fill"/> writes (error, row strength, column strength per feature; see
    /// <see cref="NeuronImportance.AddTerms"/>), timed as importance: the ILGPU engine's kernel and read-back.
    /// </summary>
    public void AddTerms(Action<double[], double[], double[]> fill)
    {
        _importanceClock.Start();
        int features = _spec.LayerSizes[0];
        var (error, rows, columns) = (new double[features], new double[features], new double[features]);
        fill(error, rows, columns);
        Importance.AddTerms(error, rows, columns, _settings.Lambda);
        _importanceClock.Stop();
    }

    /// <summary>The stage clocks, for an engine that evolves its layers itself (<see cref="Evolve(int, long, LayerStep, Action{int}?)"/>).</summary>
    internal (Stopwatch Drop, Stopwatch Growth, Stopwatch Rebuild) StageClocks => (_dropClock, _growthClock, _rebuildClock);

    /// <summary>
    /// One layer's drop, growth and rebuild given the importance of its rows or of its columns (the other null: 1 for every
    /// neuron); returns what it did and the positions its growth scored.
    /// </summary>
    public delegate (LayerEvolution Result, long Scored) LayerStep(int layer, float[]? rowImportance, float[]? columnImportance);

    /// <summary>Whether the step after training step <paramref name="step"/> (0-based, global) evolves.</summary>
    public bool EvolvesAfter(long step) => step + 1 > _settings.WarmupBatches && (step + 1) % _settings.EveryBatches == 0;

    /// <summary>
    /// Evolves every evolving layer after training step <paramref name="step"/> (which keys the tie order);
    /// <paramref name="layerChanged"/> runs after each layer's rebuild, inside the timed part.
    /// </summary>
    public void Evolve(IReadOnlyList<SparseLayer> layers, long step, Action<int>? layerChanged = null) =>
        Evolve(layers.Count, step, (l, rows, columns) => StepLayer(layers[l], l, rows, columns, step), layerChanged);

    /// <summary>
    /// Evolves every evolving layer of <paramref name="layerCount"/> by <paramref name="evolveLayer"/> (the first layer
    /// with the input importance on its rows, the last with the output importance on its columns);
    /// <paramref name="layerChanged"/> runs after each layer, inside the timed part.
    /// </summary>
    public void Evolve(int layerCount, long step, LayerStep evolveLayer, Action<int>? layerChanged = null)
    {
        _evolutionClock.Start();
        var inputs = Importance.Inputs;
        var outputs = Importance.Outputs;
        for (int l = 0; l < layerCount; l++)
        {
            if (!_spec.Evolves(l)) continue;
            var (result, scored) = l == 0 ? evolveLayer(l, inputs, null) : evolveLayer(l, null, outputs);
            Scored += scored;
            var sum = _sinceLastTake[l];
            _sinceLastTake[l] = sum with
            {
                Prune = sum.Prune with
                {
                    Negatives = result.Prune.Negatives, Positives = result.Prune.Positives,
                    RemovedNegatives = sum.Prune.RemovedNegatives + result.Prune.RemovedNegatives,
                    RemovedPositives = sum.Prune.RemovedPositives + result.Prune.RemovedPositives,
                    NegativeThreshold = result.Prune.NegativeThreshold, PositiveThreshold = result.Prune.PositiveThreshold,
                },
                Added = sum.Added + result.Added,
                Connections = result.Connections,
            };
            _indexClock.Start();
            layerChanged?.Invoke(l);
            _indexClock.Stop();
        }
        Steps++;
        _evolutionClock.Stop();
    }

    /// <summary>One layer's drop, growth and rebuild. A null importance counts 1 for every neuron of that side.</summary>
    public LayerEvolution EvolveLayer(SparseLayer layer, int layerIndex, float[]? rowImportance, float[]? columnImportance, long step)
    {
        var (result, scored) = StepLayer(layer, layerIndex, rowImportance, columnImportance, step);
        Scored += scored;
        return result;
    }

    (LayerEvolution Result, long Scored) StepLayer(SparseLayer layer, int layerIndex, float[]? rowImportance, float[]? columnImportance, long step)
    {
        int nnz = layer.Connections;
        var scaled = _scaled[layerIndex] is { } s && s.Length == nnz ? s : _scaled[layerIndex] = new float[nnz];
        var removed = _removed[layerIndex] is { } r && r.Length == nnz ? r : _removed[layerIndex] = new byte[nnz];
        _dropClock.Start();
        var prune = ImportancePruning.MarkRemovals(layer, rowImportance, columnImportance, _settings.Zeta, scaled, removed);
        _dropClock.Stop();
        var taken = new Occupancy(layer.Pattern, removed, nnz - prune.Removed);
        if (rowImportance is not null && columnImportance is not null)
            throw new ArgumentException("WAST's layers join a hidden neuron (importance 1) to an input or an output: give one side's importance");
        _growthClock.Start();
        var (grown, scored) = ImportanceRegrowth.SelectTop(layer.Inputs, layer.Outputs, taken, prune.Removed,
            rowImportance ?? columnImportance, onRows: rowImportance is not null, CounterRng.Key(_spec.Seed, RngStream.WastTies, layerIndex, step));
        _growthClock.Stop();
        _rebuildClock.Start();
        CsrRebuild.MergeInPlace(layer, removed, grown, CounterRng.Key(_spec.Seed, RngStream.RegrowthWeights, layerIndex, step),
                                release: static () => { });
        _rebuildClock.Stop();
        return (new LayerEvolution(layerIndex, prune, grown.Count, layer.Connections), scored);
    }

    /// <summary>
    /// What the steps since the last call did, per evolving layer: removals and additions summed, the counts and
    /// thresholds of the last step.
    /// </summary>
    public IReadOnlyList<LayerEvolution> TakeTotals()
    {
        var totals = _sinceLastTake.Where(e => _spec.Evolves(e.Layer)).ToArray();
        for (int l = 0; l < _sinceLastTake.Length; l++) _sinceLastTake[l] = new LayerEvolution(l, default, 0, 0);
        return totals;
    }
}

/// <summary>Seconds of WAST's evolution by stage, all steps together.</summary>
/// <param name="Drop">Scaling the weights by importance and marking the removals.</param>
/// <param name="Growth">Choosing the regrown positions.</param>
/// <param name="Rebuild">Merging survivors and regrown connections into the layer's CSR arrays.</param>
/// <param name="Index">The caller's work after each layer's change (the CPU engine's incoming index).</param>
public readonly record struct WastStages(double Drop, double Growth, double Rebuild, double Index);
