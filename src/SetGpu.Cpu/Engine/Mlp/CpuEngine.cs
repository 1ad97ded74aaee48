using SetGpu.Sparse;
using System.Numerics;
using System.Runtime.Intrinsics.X86;
using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Evolution.Wast;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Cpu;

/// <summary>
/// The CPU engine: trains a <see cref="SparseNetwork"/> in place with multithreaded, vectorised managed code.
/// It is the reference every other engine is checked against, and the engine to pick without a GPU.
/// Per training step and layer: the forward pass, a scatter over the CSR rows for small batches
/// (<see cref="SpmmForwardScatter"/>) or a gather over each output neuron's incoming connections for large ones
/// (<see cref="SpmmForwardGather"/>); one sweep of the CSR rows that computes the input deltas and updates the
/// weights (<see cref="SpmmBackwardUpdate"/>); the bias step (<see cref="BiasUpdate"/>); and for SReLU layers the
/// activation's step (<see cref="SReluUpdate"/>). The optimiser (<see cref="IOptimizerStep"/>) is a type argument of
/// the step. The gather's incoming index (8 bytes per connection) exists only while large batches need it.
/// </summary>
public sealed class CpuEngine : IMlpEngine, IParameterExchange
{
    readonly SparseNetwork _network;
    readonly SetMlpSpec _spec;
    readonly bool _autoencoder; // outputs trained towards the clean inputs (TrainingTarget.Inputs)
    readonly IncomingIndex?[] _incoming; // built when a gather first needs it; dropped by evolution
    readonly Buffers _train;
    readonly WastStep? _wast; // importance-guided evolution after batches (spec.Wast), else null
    Buffers? _eval;
    Dataset? _trainData;

    /// <summary>An engine that trains <paramref name="network"/> itself (not a copy), as its specification says.</summary>
    public CpuEngine(SparseNetwork network)
    {
        _network = network;
        _spec = network.Spec;
        _autoencoder = _spec.Target == TrainingTarget.Inputs;
        _incoming = new IncomingIndex?[network.Layers.Count];
        _train = new Buffers(_spec, _spec.BatchSize, training: true, withClean: _spec.InputNoise > 0);
        _wast = _spec.Wast is null ? null : new WastStep(_spec);
    }

    /// <summary>
    /// WAST's state when the specification asks for importance-guided evolution (<see cref="SetMlpSpec.Wast"/>): the
    /// running importance of the input and output neurons and the time spent on it; null otherwise.
    /// </summary>
    public WastStep? Wast => _wast;

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public int LossTermsPerSample => _autoencoder ? _network.Layers[^1].Outputs : 1;

    /// <inheritdoc/>
    public string Device =>
        $"CPU engine: {Environment.ProcessorCount} threads, {Vector<float>.Count}-lane float vectors" +
        (Avx512F.IsSupported ? " (CPU has AVX-512)" : Avx2.IsSupported ? " (CPU has AVX2)" : "");

    /// <inheritdoc/>
    public void SetTrainingData(Dataset train)
    {
        if (train.FeatureCount != _network.Layers[0].Inputs)
            throw new ArgumentException($"{train.Name}: {train.FeatureCount} features, but the network has {_network.Layers[0].Inputs} inputs");
        if (train.Classes > _network.Layers[^1].Outputs)
            throw new ArgumentException($"{train.Name}: {train.Classes} classes, but the network has {_network.Layers[^1].Outputs} outputs");
        _trainData = train;
    }

    /// <inheritdoc/>
    public EpochPosition TrainBatches(ReadOnlySpan<int> order, EpochPosition from, long firstStep, StepSize step,
                                      CancellationToken cancellation = default, Action<int>? batchDone = null) =>
        _spec.Optimizer switch
        {
            Sgd sgd => TrainBatches<SgdStep, SgdRule>(order, from, firstStep, new SgdRule(sgd, step), cancellation, batchDone),
            AdaptiveMoments adam => TrainBatches<AdamStep, AdamRule>(order, from, firstStep, new AdamRule(adam, step), cancellation, batchDone),
            var other => throw new NotSupportedException($"the CPU engine has no {other.GetType().Name} optimiser"),
        };

    EpochPosition TrainBatches<TStep, TRule>(ReadOnlySpan<int> order, EpochPosition from, long firstStep, TRule rule,
                                             CancellationToken cancellation, Action<int>? batchDone)
        where TStep : struct, IOptimizerStep where TRule : struct, IStepRule<TStep>
    {
        var data = _trainData ?? throw new InvalidOperationException("call SetTrainingData before TrainBatches");
        int batchSize = _spec.BatchSize, batches = _spec.BatchesPerEpoch(order.Length);
        double lossSum = from.LossSum;
        var labels = new int[batchSize];
        int batchIndex = from.Batch;
        if (_wast is { Importance.Batches: 0 } && firstStep + batchIndex > 0)
            throw new InvalidOperationException(
                $"this WAST run has trained {firstStep + batchIndex} batches elsewhere: its neuron importance is not kept in checkpoints, so it cannot be continued here");
        for (; batchIndex < batches && !cancellation.IsCancellationRequested; batchIndex++)
        {
            int start = batchIndex * batchSize, count = Math.Min(batchSize, order.Length - start);
            var indices = order.Slice(start, count);
            for (int b = 0; b < count; b++) labels[b] = data.Labels[indices[b]];
            long t = firstStep + batchIndex;
            lossSum += TrainStep(data, indices, labels.AsSpan(0, count), t, rule.At(t), rule.ParametersAt(t));
            if (_wast is not null) WastAfterBatch(count, t);
            batchDone?.Invoke(batchIndex + 1);
        }
        return new EpochPosition(batchIndex, lossSum);
    }

    /// <summary>Forward, backward and update on one batch; returns the summed loss of its samples.</summary>
    double TrainStep<TStep>(Dataset data, ReadOnlySpan<int> indices, ReadOnlySpan<int> labels, long step, TStep optimizer,
                            TStep parameters) where TStep : struct, IOptimizerStep
    {
        int batch = indices.Length, layers = _network.Layers.Count;
        var buf = _train;
        // With input noise the clean block keeps the sample (the autoencoder's target) and the input block is masked.
        var clean = _spec.InputNoise > 0 ? buf.Clean! : buf.Activations[0];
        GatherInputs(data, indices, clean);
        if (_spec.InputNoise > 0) MaskInputs(clean, buf.Activations[0], data.FeatureCount, batch, step);
        for (int l = 0; l < layers; l++) Forward(buf, l, batch, Dropout(l, step));
        var output = _network.Layers[^1];
        double lossSum = _autoencoder
            ? OutputLayer.Reconstruct(output.Activation, buf.PreActivations[^1], buf.Activations[^1], buf.Delta(layers - 1), clean, output.Outputs, batch)
            : OutputLayer.Run(output.Activation, _spec.Loss, buf.PreActivations[^1], buf.Activations[^1], buf.Delta(layers - 1),
                              labels, output.Outputs, batch).LossSum;
        for (int l = layers - 1; l >= 0; l--)
        {
            var layer = _network.Layers[l];
            BiasUpdate.Run(layer, buf.Delta(l), batch, optimizer);
            bool hasInputDeltas = l > 0; // nobody needs the deltas of the network's inputs
            SpmmBackwardUpdate.Run(layer, buf.Delta(l), buf.Activations[l],
                               hasInputDeltas ? buf.KeptPreActivations(l - 1) : null,
                               hasInputDeltas ? _network.Layers[l - 1].Activation : default,
                               hasInputDeltas ? buf.Delta(l - 1) : null, batch,
                               hasInputDeltas ? Dropout(l - 1, step) : null, optimizer);
            if (hasInputDeltas && _network.Layers[l - 1].Activation.Kind == ActivationKind.SRelu)
                SReluUpdate.Run(_network.Layers[l - 1], buf.PreActivations[l - 1], buf.Delta(l - 1), batch, parameters);
        }
        return lossSum;
    }

    /// <summary>
    /// WAST after training step <paramref name="step"/>: the batch's importance, then (every N batches) the drop and growth
    /// of each layer, whose incoming index the gather needs is rebuilt at once, inside the evolution's time.
    /// </summary>
    void WastAfterBatch(int batch, long step)
    {
        var clean = _spec.InputNoise > 0 ? _train.Clean! : _train.Activations[0];
        _wast!.AddBatch(clean, _train.Activations[^1], batch, _network.Layers);
        if (!_wast.EvolvesAfter(step)) return;
        bool gathers = _train.Partials.Length == 0;
        _wast.Evolve(_network.Layers, step, l =>
            _incoming[l] = gathers ? IncomingIndex.Build(_network.Layers[l].Pattern, _network.Layers[l].Outputs) : null);
    }

    /// <summary>The forward pass of layer <paramref name="l"/>: scatter for buffers of small batches, gather for large ones
    /// (by the buffers' size, not this batch's, so that a short last batch takes its epoch's path).</summary>
    void Forward(Buffers buf, int l, int batch, DropoutSpec? dropout)
    {
        var layer = _network.Layers[l];
        if (buf.Partials.Length > 0)
            SpmmForwardScatter.Run(layer, buf.Activations[l], buf.PreActivations[l], buf.Activations[l + 1], batch, dropout, buf.Partials);
        else
            SpmmForwardGather.Run(layer, _incoming[l] ??= IncomingIndex.Build(layer.Pattern, layer.Outputs), buf.Activations[l],
                              buf.PreActivations[l], buf.Activations[l + 1], batch, dropout);
    }

    /// <summary>Connections up to which the gather's incoming index (8 bytes each) is built for evaluation anyway.</summary>
    internal const long SmallNetwork = 1 << 23;

    /// <summary>
    /// Evaluation batches: large ones where the training batch is large too (the gather's index exists anyway) or
    /// the network is small (its index costs little);
    /// otherwise scatter-sized ones (each pass streams every connection, so the largest the scatter takes) whose partial
    /// sums and the block the first partition sums into stay within about four bytes per connection (at least 64 MB).
    /// </summary>
    int EvaluationBatchSize() => EvaluationBatchSize(_spec, _network.Connections);

    /// <summary>The evaluation batch size of a network of <paramref name="spec"/> with <paramref name="connections"/> connections.</summary>
    internal static int EvaluationBatchSize(SetMlpSpec spec, long connections)
    {
        int size = spec.EvaluationBatchSize;
        if (spec.BatchSize > SpmmForwardScatter.MaxBatch) return size;
        if (connections <= SmallNetwork)
        {
            // Activation blocks (about two per neuron) within 2 bytes per connection, at least 16 MB.
            long neurons = spec.LayerSizes.Sum(n => (long)n);
            return (int)Math.Clamp(Math.Max(16L << 20, 2 * connections) / (2 * sizeof(float) * neurons), 1, size);
        }
        long budget = Math.Max(64L << 20, 4 * connections) / sizeof(float);
        long widest = spec.LayerSizes.Skip(1).Max(n => (long)n);
        return (int)Math.Clamp(budget / (SpmmForwardScatter.Partitions * widest), 1, Math.Min(size, SpmmForwardScatter.MaxBatch));
    }

    /// <summary>Dropout of the output of weight layer <paramref name="layer"/> (hidden layers only).</summary>
    DropoutSpec? Dropout(int layer, long step) =>
        _spec.Dropout > 0 && layer < _network.Layers.Count - 1
            ? new DropoutSpec(DropoutMask.Key(_spec.Seed, layer, step), _spec.Dropout)
            : null;

    /// <summary>The input block: the clean block with each value masked (zeroed) by the step's <see cref="InputNoise"/>.</summary>
    void MaskInputs(float[] clean, float[] input, int features, int batch, long step)
    {
        ulong key = InputNoise.Key(_spec.Seed, step);
        float rate = _spec.InputNoise;
        for (int i = 0; i < features; i++)
            for (int b = 0; b < batch; b++)
                input[i * batch + b] = InputNoise.Masked(key, i, b, batch, rate) ? 0f : clean[i * batch + b];
    }

    /// <summary>Copies samples into the feature-major input block (feature × batch).</summary>
    static void GatherInputs(Dataset data, ReadOnlySpan<int> indices, float[] input)
    {
        int batch = indices.Length, features = data.FeatureCount;
        for (int b = 0; b < batch; b++)
        {
            var sample = data.Sample(indices[b]);
            for (int i = 0; i < features; i++) input[i * batch + b] = sample[i];
        }
    }

    /// <inheritdoc/>
    public Evaluation Evaluate(Dataset data)
    {
        double lossSum = 0;
        int correct = 0;
        var layers = _network.Layers;
        var probe = new ActivityProbe(layers.Select(l => l.Activation).ToArray(), layers.Select(l => l.Outputs).ToArray(), hiddenMeasured: true);
        ForEachEvaluationBatch(data, (buf, indices, labels, batch) =>
        {
            var output = layers[^1];
            if (_autoencoder)
                lossSum += OutputLayer.Reconstruct(output.Activation, buf.PreActivations[^1], buf.Activations[^1], null,
                                                   buf.Activations[0], output.Outputs, batch);
            else
            {
                var (loss, right) = OutputLayer.Run(output.Activation, _spec.Loss, buf.PreActivations[^1],
                                                    buf.Activations[^1], null, labels, output.Outputs, batch);
                lossSum += loss;
                correct += right;
            }
            for (int l = 0; l < layers.Count - 1; l++) probe.Hidden(l, buf.Activations[l + 1], batch, batch);
            probe.Outputs(buf.Activations[^1], batch, batch);
        });
        return new Evaluation(lossSum / ((double)data.Samples * LossTermsPerSample), correct / (double)data.Samples, data.Samples)
            { Activity = probe.Result() };
    }

    /// <inheritdoc/>
    public float[] Predict(Dataset data)
    {
        int outputs = _network.Layers[^1].Outputs;
        var result = new float[(long)data.Samples * outputs];
        int done = 0;
        ForEachEvaluationBatch(data, (buf, indices, labels, batch) =>
        {
            var output = _network.Layers[^1];
            if (_autoencoder)
                OutputLayer.Reconstruct(output.Activation, buf.PreActivations[^1], buf.Activations[^1], null, buf.Activations[0], outputs, batch);
            else
                OutputLayer.Run(output.Activation, _spec.Loss, buf.PreActivations[^1], buf.Activations[^1],
                                null, labels, outputs, batch);
            for (int b = 0; b < batch; b++)
                for (int k = 0; k < outputs; k++)
                    result[(long)(done + b) * outputs + k] = buf.Activations[^1][k * batch + b];
            done += batch;
        });
        return result;
    }

    /// <inheritdoc/>
    public float[] Activations(Dataset data, int block)
    {
        if (block < 1 || block >= _network.Layers.Count)
            throw new ArgumentOutOfRangeException(nameof(block), $"hidden block {block}: the network has hidden blocks 1 to {_network.Layers.Count - 1}");
        int neurons = _network.Layers[block - 1].Outputs;
        var result = new float[(long)data.Samples * neurons];
        int done = 0;
        ForEachEvaluationBatch(data, (buf, indices, labels, batch) =>
        {
            var a = buf.Activations[block];
            for (int b = 0; b < batch; b++)
                for (int k = 0; k < neurons; k++) result[(long)(done + b) * neurons + k] = a[k * batch + b];
            done += batch;
        });
        return result;
    }

    delegate void EvaluationBatch(Buffers buffers, int[] indices, ReadOnlySpan<int> labels, int batch);

    /// <summary>Forward passes without dropout over <paramref name="data"/> in evaluation-sized batches.</summary>
    void ForEachEvaluationBatch(Dataset data, EvaluationBatch onBatch)
    {
        if (data.FeatureCount != _network.Layers[0].Inputs)
            throw new ArgumentException($"{data.Name}: {data.FeatureCount} features, but the network has {_network.Layers[0].Inputs} inputs");
        int size = EvaluationBatchSize();
        var buf = _eval ??= new Buffers(_spec, size, training: false, withClean: false);
        for (int start = 0; start < data.Samples; start += size)
        {
            int batch = Math.Min(size, data.Samples - start);
            var indices = Enumerable.Range(start, batch).ToArray();
            GatherInputs(data, indices, buf.Activations[0]);
            for (int l = 0; l < _network.Layers.Count; l++) Forward(buf, l, batch, null);
            onBatch(buf, indices, data.Labels.AsSpan(start, batch), batch);
        }
        // A big network's evaluation blocks and partial sums (up to 6 bytes per connection) are made again by the next
        // evaluation rather than carried through training and evolution. They were pinned, so their memory could not
        // hold other arrays: it goes back to the system now.
        if (_network.Connections > SmallNetwork)
        {
            _eval = null;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<LayerEvolution> Evolve(int epoch, double zeta, bool regrow = true)
    {
        // Under WAST the topology evolved after the batches: the epoch's step reports what they did and changes nothing.
        if (_wast is not null) return _wast.TakeTotals();
        var results = new List<LayerEvolution>();
        for (int l = 0; l < _network.Layers.Count; l++)
            if (_spec.Evolves(l)) _incoming[l] = null; // stale after this step: freed before it allocates
        for (int l = 0; l < _network.Layers.Count; l++)
            if (_spec.Evolves(l)) results.Add(EvolveLayer(l, zeta, epoch, regrow));
        return results;
    }

    /// <summary>One layer's evolution step; its incoming index is stale afterwards.</summary>
    LayerEvolution EvolveLayer(int l, double zeta, int epoch, bool regrow)
    {
        var layer = _network.Layers[l];
        _incoming[l] = null;
        // The step replaces the layer's arrays. Before a big layer allocates, give back what the previous ones
        // left, so that the peak stays one layer's new arrays above the network's size.
        if (layer.Connections >= 1 << 20) GC.Collect();
        return SparseEvolution.Evolve(layer, l, zeta, _spec.Seed, epoch, regrow);
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> LayerConnections => _network.Layers.Select(l => l.Connections).ToArray();

    /// <inheritdoc/>
    public int[] ConnectionsPerInput(int layer)
    {
        return CsrPattern.RowLengths(_network.Layers[layer].Pattern.Offsets);
    }

    /// <inheritdoc/>
    public SparseNetwork Export() => _network.Clone();

    /// <inheritdoc/>
    public long ParameterValues(bool withState) =>
        _network.Layers.Sum(l => ParameterOrder.Of(l, withState).Sum(a => (long)a.Length));

    /// <inheritdoc/>
    public void ReadParameters(Span<float> into, bool withState) =>
        ParameterOrder.Read(_network.Layers.SelectMany(l => ParameterOrder.Of(l, withState)), into);

    /// <inheritdoc/>
    public void WriteParameters(ReadOnlySpan<float> from, bool withState) =>
        ParameterOrder.Write(_network.Layers.SelectMany(l => ParameterOrder.Of(l, withState)), from);

    /// <inheritdoc/>
    public ulong TopologyHash()
    {
        ulong hash = ParameterOrder.HashStart;
        foreach (var layer in _network.Layers)
            hash = ParameterOrder.Hash(ParameterOrder.Hash(hash, layer.Pattern.Offsets), layer.Pattern.Columns);
        return hash;
    }

    /// <inheritdoc/>
    public void Dispose() { }

    /// <summary>
    /// Whether the buffers keep weight layer <paramref name="layer"/>'s pre-activations z in a block of their own: the
    /// output layer's (the loss reads them), and in training a hidden layer's whose derivative cannot be taken exactly
    /// from its output (<see cref="ActivationMath.DerivativeFromOutputIsExact"/>: SReLU, a negative slope, sigmoid or
    /// tanh with dropout). Every other layer's z is computed in its activation block, where f(z) replaces it.
    /// </summary>
    internal static bool KeepsPreActivations(SetMlpSpec spec, int layer, bool training)
    {
        if (layer == spec.LayerCount - 1) return true;
        var activation = spec.ActivationOf(layer);
        return training && !ActivationMath.DerivativeFromOutputIsExact(activation.Kind, activation.Slope, spec.Dropout > 0);
    }

    /// <summary>
    /// The lengths (per sample) of the two blocks the backward pass takes deltas in, in turn (layer l's in block l mod 2):
    /// it needs two layers' at once. With the scatter they are its partial sums' blocks, which the backward pass leaves free.
    /// </summary>
    internal static long[] DeltaBlockLengths(SetMlpSpec spec) =>
        new[] { 0, 1 }.Select(parity => spec.LayerSizes.Skip(1).Where((_, l) => l % 2 == parity).Select(n => (long)n).DefaultIfEmpty(0).Max()).ToArray();

    /// <summary>Feature-major activation blocks for one batch size: index 0 is the input.</summary>
    sealed class Buffers
    {
        public Buffers(SetMlpSpec spec, int batch, bool training, bool withClean)
        {
            var sizes = spec.LayerSizes;
            // Blocks the kernels read or write at random places: huge pages where the system gives them.
            Activations = sizes.Select(n => HugePages.Allocate((long)n * batch)).ToArray();
            PreActivations = Enumerable.Range(0, sizes.Length - 1)
                .Select(l => KeepsPreActivations(spec, l, training) ? HugePages.Allocate((long)sizes[l + 1] * batch) : Activations[l + 1])
                .ToArray();
            Partials = batch <= SpmmForwardScatter.MaxBatch ? SpmmForwardScatter.NewPartials(sizes.Skip(1).Max(), batch) : [];
            _deltas = !training ? []
                : Partials.Length >= 2 ? [Partials[0], Partials[1]]
                : DeltaBlockLengths(spec).Select(n => HugePages.Allocate(n * batch)).ToArray();
            Clean = withClean ? new float[(long)sizes[0] * batch] : null;
        }

        readonly float[][] _deltas;

        /// <summary>a[0] = input, a[l+1] = output of weight layer l.</summary>
        public float[][] Activations { get; }
        /// <summary>z of weight layer l: a block of its own where <see cref="KeepsPreActivations"/>, else a[l+1]
        /// (z until the activation overwrites it).</summary>
        public float[][] PreActivations { get; }
        /// <summary>The scatter's partial sums (small batches only).</summary>
        public float[][] Partials { get; }
        /// <summary>The inputs before masking noise (training with input noise only).</summary>
        public float[]? Clean { get; }

        /// <summary>∂loss/∂z of weight layer l (training only; shared with layer l ± 2 and, with the scatter, with the
        /// forward pass's partial sums).</summary>
        public float[] Delta(int layer) => _deltas[layer % 2];

        /// <summary>z of weight layer l if it is kept apart from a[l+1], else null (the derivative comes from a).</summary>
        public float[]? KeptPreActivations(int layer) =>
            ReferenceEquals(PreActivations[layer], Activations[layer + 1]) ? null : PreActivations[layer];
    }
}
