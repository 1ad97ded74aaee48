using ILGPU;
using ILGPU.Runtime;
using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.Gpu;

/// <summary>
/// The ILGPU engine: SET-MLP training and evolution as kernels on CUDA, OpenCL or ILGPU's CPU accelerator.
/// Weights, optimiser state, topology, the training data and the batches stay in device memory; a training step
/// enqueues kernels only (gather, then per layer forward; output; per layer backward, weight and bias update),
/// and the host reads back once per epoch (the per-sample losses). Kernels are loaded once per engine.
/// </summary>
public sealed class IlgpuEngine : ISetEngine
{
    readonly Context _context;
    readonly Accelerator _accelerator;
    readonly SparseNetwork _network; // options, seed and shapes; its arrays are stale while the engine trains
    readonly TrainingOptions _baseOptions;
    TrainingOptions _options; // _baseOptions at the current learning rate
    readonly DeviceLayer[] _layers;
    readonly Kernels _kernels;
    readonly ITrainingLaunches _launches;
    readonly DeviceEvolution _evolution;
    Batch _train, _eval;
    DeviceData? _trainData, _evalData;

    /// <summary>
    /// Uploads <paramref name="network"/> to the device <paramref name="engine"/> names (cuda, opencl, ilgpu-cpu).
    /// Throws <see cref="DeviceUnavailableException"/> when that device is absent and
    /// <see cref="InsufficientDeviceMemoryException"/> when the network does not fit.
    /// </summary>
    public IlgpuEngine(SparseNetwork network, TrainingOptions options, string engine = "ilgpu-cpu")
    {
        _network = network;
        _options = _baseOptions = options;
        _context = IlgpuDevices.CreateContext();
        try
        {
            _accelerator = IlgpuDevices.Open(_context, engine);
            Name = engine;
            Device = IlgpuDevices.Describe(_accelerator);
            CheckMemory(network, options);
            _layers = network.Layers.Select(l => new DeviceLayer(_accelerator, l)).ToArray();
            _kernels = new Kernels(_accelerator);
            _launches = TrainingLaunches.For(_accelerator);
            _evolution = new DeviceEvolution(_accelerator);
            _train = new Batch(_accelerator, network, options.BatchSize);
            _eval = new Batch(_accelerator, network, options.EvaluationBatchSize);
        }
        catch
        {
            _accelerator?.Dispose();
            _context.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Device { get; }

    /// <inheritdoc/>
    public float LearningRate
    {
        get => _options.LearningRate;
        set => _options = _baseOptions.AtLearningRate(value);
    }

    /// <summary>Device bytes the network and the training buffers need: O(nnz + neurons × batch).</summary>
    public static long RequiredBytes(SparseNetwork network, TrainingOptions options)
    {
        long connections = network.Connections, neurons = network.Options.LayerSizes.Sum(n => (long)n);
        long perConnection = 4 * 5 + 4 * 2; // column, weight, velocity, incoming input and weight index + evolution scratch
        long activations = neurons * 4 * 3 * TrainingKernels.Lanes(Math.Max(options.BatchSize, options.EvaluationBatchSize));
        return connections * perConnection + neurons * 4 * 6 + activations;
    }

    void CheckMemory(SparseNetwork network, TrainingOptions options)
    {
        long needed = RequiredBytes(network, options), available = _accelerator.MemorySize;
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
    public double TrainEpoch(ReadOnlySpan<int> order, long step, Action<int, int>? batchProgress = null)
    {
        var data = _trainData ?? throw new InvalidOperationException("call SetTrainingData before TrainEpoch");
        data.SetOrder(order);
        int batchSize = _options.BatchSize, batches = (order.Length + batchSize - 1) / batchSize;
        for (int batchIndex = 0; batchIndex < batches; batchIndex++)
        {
            int offset = batchIndex * batchSize, count = Math.Min(batchSize, order.Length - offset);
            TrainStep(data, offset, count, step + batchIndex);
            batchProgress?.Invoke(batchIndex + 1, batches);
        }
        _accelerator.Synchronize();
        var losses = data.Losses.View.SubView(0, order.Length).GetAsArray1D();
        double sum = 0;
        foreach (float l in losses) sum += l; // in sample order: the same sum for the same losses
        return sum / order.Length;
    }

    void TrainStep(DeviceData data, int offset, int batch, long step)
    {
        var buf = _train;
        int last = _layers.Length - 1;
        Forward(buf, data, offset, batch, step);
        var opt = new OptimizerParams
        {
            LearningRate = _options.LearningRate, Momentum = _options.Momentum, Decay = _options.WeightDecay,
            Nesterov = _options.Nesterov ? 1 : 0,
        };
        for (int l = last; l >= 0; l--)
        {
            var layer = _layers[l];
            if (l > 0) // with the weights before this step's update
                _launches.Backward(layer, buf.Delta[l], buf.Z[l - 1], buf.Delta[l - 1], batch, Activation(l - 1, step, batch));
            _launches.UpdateWeights(layer, buf.Delta[l], buf.A[l], batch, opt);
            _launches.UpdateBias(layer, buf.Delta[l], batch, opt);
        }
    }

    /// <summary>
    /// The forward pass of samples [offset, offset + batch) of the data's order, ending with the output kernel: outputs,
    /// δ of the output layer, and each sample's loss and correctness in the data's result slots.
    /// </summary>
    void Forward(Batch buf, DeviceData data, int offset, int batch, long? step)
    {
        int lanes = TrainingKernels.Lanes(batch);
        _kernels.GatherBatch(Launch.For(_accelerator, (long)data.FeatureCount * lanes), data.Features.View,
            data.Order.View, offset, batch, lanes, data.FeatureCount, buf.A[0].View);
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            _launches.Forward(layer, buf.A[l], buf.Z[l], buf.A[l + 1], batch, Activation(l, step, batch));
        }
        int last = _layers.Length - 1;
        _kernels.Output(Launch.For(_accelerator, lanes), buf.Z[last].View, buf.A[last + 1].View, buf.Delta[last].View,
            data.Labels.View, data.Order.View, offset, batch, lanes, _layers[last].Outputs, (int)_layers[last].Activation.Kind,
            (int)_network.Options.Loss, data.Losses.View, data.Correct.View, offset);
    }

    /// <summary>Activation of weight layer l's output, with its dropout at this step (hidden layers, training only).</summary>
    ActivationParams Activation(int l, long? step, int batch)
    {
        var act = _layers[l].Activation;
        bool dropout = step is not null && _options.Dropout > 0 && l < _layers.Length - 1;
        return new ActivationParams
        {
            Kind = (int)act.Kind,
            Slope = act.Slope,
            DropoutEnabled = dropout ? 1 : 0,
            DropoutKey = dropout ? DropoutMask.Key(_network.Seed, l, step!.Value) : 0,
            DropoutRate = _options.Dropout,
            KeepScale = 1f / (1f - _options.Dropout),
        };
    }

    /// <inheritdoc/>
    public Evaluation Evaluate(Dataset data)
    {
        var (losses, correct) = EvaluateOnDevice(data, keepOutputs: null);
        double loss = 0;
        long right = 0;
        for (int i = 0; i < data.Samples; i++) { loss += losses[i]; right += correct[i]; }
        return new Evaluation(loss / data.Samples, right / (double)data.Samples, data.Samples);
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

    (float[] Losses, int[] Correct) EvaluateOnDevice(Dataset source, Action<int, int, float[]>? keepOutputs)
    {
        if (source.FeatureCount != _layers[0].Inputs)
            throw new ArgumentException($"{source.Name}: {source.FeatureCount} features, but the network has {_layers[0].Inputs} inputs");
        var data = ReferenceEquals(_trainData?.Source, source) ? _trainData! : EvaluationData(source);
        data.SetOrder(null);
        int size = _options.EvaluationBatchSize, last = _layers.Length - 1;
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
    public IReadOnlyList<LayerEvolution> Evolve(int epoch, double? zeta = null)
    {
        var results = new List<LayerEvolution>();
        for (int l = 0; l < _layers.Length; l++)
        {
            if (!_network.Options.Evolves(l)) continue;
            double z = zeta ?? _network.Options.Zeta;
            results.Add(_evolution.EvolveLayer(_layers[l], l, z, _network.Seed, epoch));
        }
        return results;
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> LayerConnections => _layers.Select(l => l.Connections).ToArray();

    /// <inheritdoc/>
    public int[] ConnectionsPerInput(int layer)
    {
        _accelerator.Synchronize();
        var offsets = _layers[layer].RowOffsets.GetAsArray1D(); // n_in + 1 integers: the only read-back
        var counts = new int[offsets.Length - 1];
        for (int i = 0; i < counts.Length; i++) counts[i] = offsets[i + 1] - offsets[i];
        return counts;
    }

    /// <inheritdoc/>
    public SparseNetwork Export()
    {
        _accelerator.Synchronize();
        return new SparseNetwork(_network.Options, _network.Seed, _layers.Select(l => l.Download()).ToArray());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _trainData?.Dispose();
        _evalData?.Dispose();
        _train.Dispose();
        _eval.Dispose();
        _evolution.Dispose();
        foreach (var layer in _layers) layer.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    /// <summary>
    /// Feature-major activation blocks for batches up to one size (neuron × lanes, lanes = the batch rounded up to
    /// quads): A[0] is the input, A[l+1] the output of layer l.
    /// </summary>
    sealed class Batch : IDisposable
    {
        public Batch(Accelerator accelerator, SparseNetwork network, int size)
        {
            var sizes = network.Options.LayerSizes;
            long lanes = TrainingKernels.Lanes(size);
            A = sizes.Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
            Z = sizes.Skip(1).Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
            Delta = sizes.Skip(1).Select(n => accelerator.Allocate1D<float>(n * lanes)).ToArray();
        }

        public MemoryBuffer1D<float, Stride1D.Dense>[] A { get; }
        public MemoryBuffer1D<float, Stride1D.Dense>[] Z { get; }
        public MemoryBuffer1D<float, Stride1D.Dense>[] Delta { get; }

        public void Dispose()
        {
            foreach (var b in A.Concat(Z).Concat(Delta)) b.Dispose();
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
    }
}

/// <summary>A network does not fit in the device's memory; the message gives the bytes needed and available.</summary>
public sealed class InsufficientDeviceMemoryException(string message) : Exception(message);
