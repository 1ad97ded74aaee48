using ILGPU;
using ILGPU.Runtime;
using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Evolution.Wast;
using SetGpu.Gpu.Kernels;
using SetGpu.Model;
using SetGpu.Sparse;
using SetGpu.Training;

namespace SetGpu.Gpu;

/// <summary>
/// The ILGPU engine: SET-MLP training and evolution as kernels on CUDA, OpenCL or ILGPU's CPU accelerator.
/// Weights, optimiser state, topology, the training data and the batches stay in device memory; a training step
/// enqueues kernels only (gather, then per layer forward; output; per layer backward, weight and bias update),
/// and the host reads back once per epoch (the per-sample losses). Kernels are loaded once per engine.
/// </summary>
public sealed class IlgpuEngine : IMlpEngine, IParameterExchange
{
    readonly IlgpuSession _session;
    readonly Accelerator _accelerator;
    readonly SetMlpSpec _spec;
    readonly bool _autoencoder; // outputs trained towards the clean inputs (TrainingTarget.Inputs)
    readonly DeviceLayer[] _layers;
    readonly Kernels _kernels;
    readonly ITrainingLaunches _launches;
    readonly DeviceEvolution _evolution;
    readonly WastStep? _wast; // importance-guided evolution after batches (spec.Wast), else null
    readonly DeviceWast? _wastKernels;
    Batch _train, _eval;
    DeviceData? _trainData, _evalData;

    /// <summary>
    /// Uploads <paramref name="network"/> (a copy: the engine does not change it; see <see cref="Export"/>) to the
    /// session's device, and owns the session from here on. Throws <see cref="InsufficientDeviceMemoryException"/> when
    /// the network does not fit.
    /// </summary>
    public IlgpuEngine(IlgpuSession session, SparseNetwork network)
    {
        _session = session;
        _accelerator = session.Accelerator;
        _spec = network.Spec;
        _autoencoder = _spec.Target == TrainingTarget.Inputs;
        OptimizerParams.Of(_spec.Optimizer, default, 0); // refuses an optimiser the kernels do not know, before uploading
        Name = session.Device.ToString();
        Device = session.Description;
        CheckMemory(network);
        _layers = network.Layers.Select(l => new DeviceLayer(_accelerator, l)).ToArray();
        _kernels = session.Kernels(a => new Kernels(a));
        _launches = session.Kernels(TrainingLaunches.For);
        _evolution = session.Kernels(a => new DeviceEvolution(a));
        if (_spec.Wast is not null)
        {
            _wast = new WastStep(_spec);
            _wastKernels = session.Kernels(a => new DeviceWast(a, _evolution));
        }
        _train = new Batch(_accelerator, network, _spec.BatchSize, withClean: _spec.InputNoise > 0);
        _eval = new Batch(_accelerator, network, _spec.EvaluationBatchSize, withClean: false);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>
    /// WAST's state when the specification asks for importance-guided evolution (<see cref="SetMlpSpec.Wast"/>): the
    /// importance, the steps taken and the time they cost; else null.
    /// </summary>
    public WastStep? Wast => _wast;

    /// <inheritdoc/>
    public string Device { get; }

    /// <inheritdoc/>
    public int LossTermsPerSample => _autoencoder ? _layers[^1].Outputs : 1;

    /// <summary>Device bytes the network and the training buffers need: O(nnz + neurons × batch).</summary>
    public static long RequiredBytes(SparseNetwork network) => RequiredBytes(network.Spec, network.Connections);

    /// <summary>Device bytes a network of <paramref name="spec"/> with <paramref name="connections"/> connections needs.</summary>
    public static long RequiredBytes(SetMlpSpec spec, long connections)
    {
        long neurons = spec.LayerSizes.Sum(n => (long)n);
        // Column, weight, the optimiser's state, incoming input and weight index, and evolution scratch.
        long perConnection = 4 * (4 + spec.Optimizer.StateArrays) + 4 * 2;
        long activations = neurons * 4 * 3 * TrainingKernels.Lanes(Math.Max(spec.BatchSize, spec.EvaluationBatchSize));
        return connections * perConnection + neurons * 4 * 6 + activations;
    }

    void CheckMemory(SparseNetwork network)
    {
        long needed = RequiredBytes(network), available = _accelerator.MemorySize;
        if (needed > available)
            throw new InsufficientDeviceMemoryException(
                $"the network needs about {needed:N0} bytes of device memory; {Device} has {available:N0}");
    }

    /// <inheritdoc/>
    public void SetTrainingData(Dataset train)
    {
        if (train.FeatureCount != _layers[0].Inputs)
            throw new ArgumentException($"{train.Name}: {train.FeatureCount} features, but the network has {_layers[0].Inputs} inputs");
        if (!ReferenceEquals(_trainData?.Source, train))
        {
            _trainData?.Dispose();
            _trainData = new DeviceData(_accelerator, train);
        }
    }

    /// <inheritdoc/>
    public EpochPosition TrainBatches(ReadOnlySpan<int> order, EpochPosition from, long firstStep, StepSize step,
                                      CancellationToken cancellation = default, Action<int>? batchDone = null)
    {
        var data = _trainData ?? throw new InvalidOperationException("call SetTrainingData before TrainBatches");
        data.SetOrder(order);
        int batchSize = _spec.BatchSize, batches = _spec.BatchesPerEpoch(order.Length);
        int batchIndex = from.Batch;
        if (_wast is { Importance.Batches: 0 } && firstStep + batchIndex > 0)
            throw new InvalidOperationException(
                $"this WAST run has trained {firstStep + batchIndex} batches elsewhere: its neuron importance is not kept in checkpoints, so it cannot be continued here");
        for (; batchIndex < batches && !cancellation.IsCancellationRequested; batchIndex++)
        {
            int offset = batchIndex * batchSize, count = Math.Min(batchSize, order.Length - offset);
            long t = firstStep + batchIndex;
            TrainStep(data, offset, count, t, OptimizerParams.Of(_spec.Optimizer, step, t),
                OptimizerParams.Of(_spec.Optimizer, step, t, decay: false));
            if (_wast is not null) WastAfterBatch(count, t);
            batchDone?.Invoke(batchIndex + 1);
        }
        _accelerator.Synchronize();
        // The slice's per-sample losses, folded in sample order onto the epoch's sum so far.
        int first = Math.Min(order.Length, from.Batch * batchSize), end = Math.Min(order.Length, batchIndex * batchSize);
        double sum = from.LossSum;
        if (end > first)
            foreach (float l in data.Losses.View.SubView(first, end - first).GetAsArray1D()) sum += l;
        return new EpochPosition(batchIndex, sum);
    }

    /// <summary>One batch: forward, then per layer backward, weight and bias update; <paramref name="parameters"/> is the
    /// optimiser without decay, for SReLU's parameters.</summary>
    void TrainStep(DeviceData data, int offset, int batch, long step, OptimizerParams opt, OptimizerParams parameters)
    {
        var buf = _train;
        int last = _layers.Length - 1;
        Forward(buf, data, offset, batch, step);
        for (int l = last; l >= 0; l--)
        {
            var layer = _layers[l];
            if (l > 0) // with the weights before this step's update
            {
                _launches.Backward(layer, buf.Delta[l], buf.Z[l - 1], buf.Delta[l - 1], batch, Activation(l - 1, step, batch));
                if (_layers[l - 1].Activation.Kind == ActivationKind.SRelu)
                    _launches.UpdateSRelu(_layers[l - 1], buf.Z[l - 1], buf.Delta[l - 1], batch, parameters);
            }
            _launches.UpdateWeights(layer, buf.Delta[l], buf.A[l], batch, opt);
            _launches.UpdateBias(layer, buf.Delta[l], batch, opt);
        }
    }

    /// <summary>
    /// WAST after training step <paramref name="step"/>: the batch's importance terms (kernel, read back), then (every N
    /// batches) each layer's drop, growth and rebuild on the device. The batch's kernels are waited for first, so that
    /// the importance clock does not count training.
    /// </summary>
    void WastAfterBatch(int batch, long step)
    {
        _accelerator.Synchronize();
        var clean = _spec.InputNoise > 0 ? _train.Clean! : _train.A[0];
        var (first, last) = (_layers[0], _layers[^1]);
        _wast!.AddTerms((error, rows, columns) => _wastKernels!.ImportanceTerms(first, last, clean.View, _train.A[^1].View, batch,
            TrainingKernels.Lanes(batch), error, rows, columns));
        if (!_wast.EvolvesAfter(step)) return;
        double zeta = _spec.Wast!.Zeta;
        _wast.Evolve(_layers.Length, step, (l, rowImportance, columnImportance) =>
            _wastKernels!.EvolveLayer(_layers[l], l, rowImportance, columnImportance, zeta, _spec.Seed, step, _wast.StageClocks));
    }

    /// <summary>
    /// The forward pass of samples [offset, offset + batch) of the data's order, ending with the output kernel: outputs,
    /// δ of the output layer, and each sample's loss and correctness in the data's result slots.
    /// </summary>
    void Forward(Batch buf, DeviceData data, int offset, int batch, long? step)
    {
        int lanes = TrainingKernels.Lanes(batch);
        // With input noise (training only) the clean block keeps the batch (the autoencoder's target) and A[0] is masked.
        bool noisy = step is not null && _spec.InputNoise > 0;
        var clean = noisy ? buf.Clean! : buf.A[0];
        long inputItems = (long)data.FeatureCount * lanes;
        _kernels.GatherBatch(Launch.For(_accelerator, inputItems), data.Features.View,
            data.Order.View, offset, batch, lanes, data.FeatureCount, clean.View);
        if (noisy)
            _kernels.MaskInputs(Launch.For(_accelerator, inputItems), clean.View, buf.A[0].View, batch, lanes, data.FeatureCount,
                InputNoise.Key(_spec.Seed, step!.Value), _spec.InputNoise);
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            _launches.Forward(layer, buf.A[l], buf.Z[l], buf.A[l + 1], batch, Activation(l, step, batch));
        }
        int last = _layers.Length - 1;
        if (_autoencoder)
        {
            _kernels.ReconstructionOutput(Launch.For(_accelerator, lanes), buf.Z[last].View, buf.A[last + 1].View, buf.Delta[last].View,
                clean.View, batch, lanes, _layers[last].Outputs, (int)_layers[last].Activation.Kind, data.Losses.View, offset);
            return;
        }
        _kernels.Output(Launch.For(_accelerator, lanes), buf.Z[last].View, buf.A[last + 1].View, buf.Delta[last].View,
            data.Labels.View, data.Order.View, offset, batch, lanes, _layers[last].Outputs, (int)_layers[last].Activation.Kind,
            (int)_spec.Loss, data.Losses.View, data.Correct.View, offset);
    }

    /// <summary>Activation of weight layer l's output, with its dropout at this step (hidden layers, training only).</summary>
    ActivationParams Activation(int l, long? step, int batch)
    {
        var act = _layers[l].Activation;
        bool dropout = step is not null && _spec.Dropout > 0 && l < _layers.Length - 1;
        return new ActivationParams
        {
            Kind = (int)act.Kind,
            Slope = act.Slope,
            DropoutEnabled = dropout ? 1 : 0,
            DropoutKey = dropout ? DropoutMask.Key(_spec.Seed, l, step!.Value) : 0,
            DropoutRate = _spec.Dropout,
            KeepScale = 1f / (1f - _spec.Dropout),
        };
    }

    /// <inheritdoc/>
    public Evaluation Evaluate(Dataset data)
    {
        // The outputs come to the host for the health checks (outputs × batch values a batch); the hidden blocks stay.
        var probe = new ActivityProbe(_layers.Select(l => l.Activation).ToArray(), _layers.Select(l => l.Outputs).ToArray(), hiddenMeasured: false);
        var (losses, correct) = EvaluateOnDevice(data, (start, batch, y) => probe.Outputs(y, batch, TrainingKernels.Lanes(batch)));
        double loss = 0;
        long right = 0;
        for (int i = 0; i < data.Samples; i++) { loss += losses[i]; right += correct[i]; }
        return new Evaluation(loss / ((double)data.Samples * LossTermsPerSample), right / (double)data.Samples, data.Samples)
            { Activity = probe.Result() };
    }

    /// <inheritdoc/>
    public float[] Predict(Dataset data)
    {
        int outputs = _layers[^1].Outputs;
        var result = new float[(long)data.Samples * outputs];
        EvaluateOnDevice(data, (start, batch, y) =>
        {
            for (int b = 0; b < batch; b++)
                for (int k = 0; k < outputs; k++) result[(long)(start + b) * outputs + k] = y[k * TrainingKernels.Lanes(batch) + b];
        });
        return result;
    }

    /// <inheritdoc/>
    public float[] Activations(Dataset data, int block)
    {
        if (block < 1 || block >= _layers.Length)
            throw new ArgumentOutOfRangeException(nameof(block), $"hidden block {block}: the network has hidden blocks 1 to {_layers.Length - 1}");
        int neurons = _layers[block - 1].Outputs;
        var result = new float[(long)data.Samples * neurons];
        EvaluateOnDevice(data, (start, batch, _) =>
        {
            int lanes = TrainingKernels.Lanes(batch);
            var a = _eval.A[block].View.SubView(0, (long)neurons * lanes).GetAsArray1D();
            for (int b = 0; b < batch; b++)
                for (int k = 0; k < neurons; k++) result[(long)(start + b) * neurons + k] = a[k * lanes + b];
        });
        return result;
    }

    (float[] Losses, int[] Correct) EvaluateOnDevice(Dataset source, Action<int, int, float[]>? keepOutputs)
    {
        if (source.FeatureCount != _layers[0].Inputs)
            throw new ArgumentException($"{source.Name}: {source.FeatureCount} features, but the network has {_layers[0].Inputs} inputs");
        var data = ReferenceEquals(_trainData?.Source, source) ? _trainData! : EvaluationData(source);
        data.SetOrder(null);
        int size = _spec.EvaluationBatchSize, last = _layers.Length - 1;
        for (int start = 0; start < source.Samples; start += size)
        {
            int batch = Math.Min(size, source.Samples - start);
            Forward(_eval, data, start, batch, step: null);
            if (keepOutputs is not null)
                keepOutputs(start, batch, _eval.A[last + 1].View.SubView(0, (long)_layers[last].Outputs * TrainingKernels.Lanes(batch)).GetAsArray1D());
        }
        _accelerator.Synchronize();
        return (data.Losses.View.SubView(0, source.Samples).GetAsArray1D(), data.Correct.View.SubView(0, source.Samples).GetAsArray1D());
    }

    DeviceData EvaluationData(Dataset source)
    {
        if (!ReferenceEquals(_evalData?.Source, source))
        {
            _evalData?.Dispose();
            _evalData = new DeviceData(_accelerator, source);
        }
        return _evalData!;
    }

    /// <inheritdoc/>
    public IReadOnlyList<LayerEvolution> Evolve(int epoch, double zeta, bool regrow = true)
    {
        // Under WAST the topology evolved after the batches: the epoch's step reports what they did and changes nothing.
        if (_wast is not null) return _wast.TakeTotals();
        var results = new List<LayerEvolution>();
        for (int l = 0; l < _layers.Length; l++)
        {
            if (!_spec.Evolves(l)) continue;
            results.Add(regrow ? _evolution.EvolveLayer(_layers[l], l, zeta, _spec.Seed, epoch) : PruneOnHost(_layers[l], l, zeta));
        }
        return results;
    }

    /// <summary>Prune-only evolution (after the last epoch, at most once a run): download, prune on the host, upload.</summary>
    internal static LayerEvolution PruneOnHost(DeviceLayer layer, int index, double zeta)
    {
        layer.Accelerator.Synchronize();
        var host = layer.Download();
        var result = SparseEvolution.Prune(host, index, zeta);
        layer.SetConnections(host.Pattern, host.Weights, host.WeightState);
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> LayerConnections => _layers.Select(l => l.Connections).ToArray();

    /// <inheritdoc/>
    public int[] ConnectionsPerInput(int layer)
    {
        _accelerator.Synchronize();
        return CsrPattern.RowLengths(_layers[layer].RowOffsets.GetAsArray1D()); // n_in + 1 integers: the only read-back
    }

    /// <inheritdoc/>
    public SparseNetwork Export()
    {
        _accelerator.Synchronize();
        return new SparseNetwork(_spec, _layers.Select(l => l.Download()).ToArray());
    }

    /// <inheritdoc/>
    public long ParameterValues(bool withState) => _layers.Sum(l => Arrays(l, withState).Sum(a => a.Length));

    /// <inheritdoc/>
    public void ReadParameters(Span<float> into, bool withState)
    {
        long at = 0;
        foreach (var a in _layers.SelectMany(l => Arrays(l, withState)))
        {
            a.View.BaseView.CopyToCPU(into.Slice((int)at, (int)a.Length));
            at += a.Length;
        }
        if (at != into.Length) throw new ArgumentException($"parameter buffer of {into.Length} floats for {at} values");
    }

    /// <inheritdoc/>
    public void WriteParameters(ReadOnlySpan<float> from, bool withState)
    {
        long at = 0;
        foreach (var a in _layers.SelectMany(l => Arrays(l, withState)))
        {
            a.View.BaseView.CopyFromCPU(from.Slice((int)at, (int)a.Length));
            at += a.Length;
        }
        if (at != from.Length) throw new ArgumentException($"parameter buffer of {from.Length} floats for {at} values");
        _accelerator.Synchronize();
    }

    /// <inheritdoc/>
    public ulong TopologyHash()
    {
        ulong hash = ParameterOrder.HashStart;
        foreach (var layer in _layers)
            hash = ParameterOrder.Hash(ParameterOrder.Hash(hash, layer.RowOffsets.GetAsArray1D()), layer.Columns.GetAsArray1D());
        return hash;
    }

    static IEnumerable<MemoryBuffer1D<float, Stride1D.Dense>> Arrays(DeviceLayer l, bool withState) =>
        ParameterOrder.Of(l.Weights, l.State, l.Bias, l.BiasState, l.ActivationParameters, l.ActivationState, withState);

    /// <inheritdoc/>
    public void Dispose()
    {
        _trainData?.Dispose();
        _evalData?.Dispose();
        _train.Dispose();
        _eval.Dispose();
        foreach (var layer in _layers) layer.Dispose();
        _session.Dispose();
    }

    /// <summary>
    /// Feature-major activation blocks for batches up to one size (neuron × lanes, lanes = the batch rounded up to
    /// quads): A[0] is the input, A[l+1] the output of layer l.
    /// </summary>
    sealed class Batch : IDisposable
    {
        public Batch(Accelerator accelerator, SparseNetwork network, int size, bool withClean)
        {
            var sizes = network.Spec.LayerSizes;
            long lanes = TrainingKernels.Lanes(size);
            A = sizes.Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
            Z = sizes.Skip(1).Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
            Delta = sizes.Skip(1).Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
            Clean = withClean ? accelerator.Allocate1D<float>(sizes[0] * lanes) : null;
        }

        /// <summary>The inputs before masking noise (training with input noise only).</summary>
        public MemoryBuffer1D<float, Stride1D.Dense>? Clean { get; }

        public MemoryBuffer1D<float, Stride1D.Dense>[] A { get; }
        public MemoryBuffer1D<float, Stride1D.Dense>[] Z { get; }
        public MemoryBuffer1D<float, Stride1D.Dense>[] Delta { get; }

        public void Dispose()
        {
            foreach (var b in A.Concat(Z).Concat(Delta)) b.Dispose();
            Clean?.Dispose();
        }
    }

    /// <summary>A dataset in device memory with its sample order and per-sample results.</summary>
    sealed class DeviceData : IDisposable
    {
        readonly Accelerator _accelerator;

        public DeviceData(Accelerator accelerator, Dataset source)
        {
            _accelerator = accelerator;
            Source = source;
            FeatureCount = source.FeatureCount;
            Features = accelerator.Allocate1D(source.Features);
            Labels = accelerator.Allocate1D(source.Labels);
            Order = accelerator.Allocate1D<int>(source.Samples);
            Losses = accelerator.Allocate1D<float>(source.Samples);
            Correct = accelerator.Allocate1D<int>(source.Samples);
        }

        public Dataset Source { get; }
        public int FeatureCount { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> Features { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Labels { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Order { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> Losses { get; }
        public MemoryBuffer1D<int, Stride1D.Dense> Correct { get; }
        bool _identity;

        /// <summary>Uploads an epoch's sample order (one copy per epoch; a subset is fine), or the identity order for evaluation.</summary>
        public void SetOrder(ReadOnlySpan<int> order)
        {
            if (order.IsEmpty)
            {
                if (_identity) return;
                var identity = new int[Source.Samples];
                for (int i = 0; i < identity.Length; i++) identity[i] = i;
                Order.CopyFromCPU(identity);
                _identity = true;
                return;
            }
            if (order.Length > Source.Samples) throw new ArgumentException($"order has {order.Length} entries for {Source.Samples} samples");
            Order.View.AsContiguous().SubView(0, order.Length).CopyFromCPU(order); // exact length: ILGPU does not check

            _identity = false;
        }

        public void Dispose()
        {
            Features.Dispose();
            Labels.Dispose();
            Order.Dispose();
            Losses.Dispose();
            Correct.Dispose();
        }
    }

    /// <summary>The training kernels, loaded once.</summary>
    sealed class Kernels(Accelerator accelerator)
    {
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, int, int, int, int, ArrayView<float>> GatherBatch =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, int, int, int, int, ArrayView<float>>(TrainingKernels.GatherBatch);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int, int, int, int, int, ArrayView<float>, ArrayView<int>, int> Output =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, int, int, int, int, int, int, ArrayView<float>, ArrayView<int>, int>(TrainingKernels.Output);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, ulong, float> MaskInputs =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, ulong, float>(TrainingKernels.MaskInputs);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, ArrayView<float>, int> ReconstructionOutput =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, ArrayView<float>, int>(TrainingKernels.ReconstructionOutput);
    }
}

/// <summary>A network does not fit in the device's memory; the message gives the bytes needed and available.</summary>
public sealed class InsufficientDeviceMemoryException(string message) : Exception(message);
