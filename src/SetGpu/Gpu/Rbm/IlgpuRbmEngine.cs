using ILGPU;
using ILGPU.Runtime;
using SetGpu.Cpu.Rbm;
using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Gpu.Kernels;
using SetGpu.Rbm;
using SetGpu.Sparse;
using SetGpu.Training;
using Block = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace SetGpu.Gpu.Rbm;

/// <summary>
/// The ILGPU engine of a SET-RBM (cuda, opencl, ilgpu-cpu): weights, momenta, biases, topology, incoming index and
/// the training data live on the device; a CD-k step enqueues kernels only (batch gather, hidden gather with
/// sampling, visible gather with the reconstruction error, k Gibbs steps, the fused CD weight update over the CSR
/// rows, both bias updates) and the host reads the per-row errors back once per epoch. Sums run in the CPU
/// engine's order (the parity contract <see cref="RbmLanes"/>, whatever the host), and samples use the same
/// counter-keyed streams, so the two engines agree to rounding. Evolution with regrowth runs on the device
/// (<see cref="DeviceEvolution"/>); prune-only evolution, free energies and AIS go through the host (see the members).
/// </summary>
public sealed class IlgpuRbmEngine : IRbmEngine
{
    readonly IlgpuSession _session;
    readonly Accelerator _accelerator;
    readonly SetRbmSpec _spec;
    readonly DeviceLayer _layer;
    readonly MemoryBuffer1D<float, Stride1D.Dense> _visibleBias, _visibleBiasVelocity;
    readonly DeviceEvolution _evolution;
    readonly Kernels _kernels;
    readonly IRbmLaunches _launches;
    readonly Blocks _train;
    Blocks? _eval;
    MemoryBuffer1D<float, Stride1D.Dense>? _features, _errors, _chains;
    MemoryBuffer1D<int, Stride1D.Dense>? _order;
    Dataset? _trainData;

    /// <summary>
    /// Uploads <paramref name="rbm"/> (a copy: the engine does not change it; see <see cref="Export"/>) to the session's
    /// device, and owns the session from here on.
    /// </summary>
    public IlgpuRbmEngine(IlgpuSession session, SparseRbm rbm)
    {
        _session = session;
        _accelerator = session.Accelerator;
        _spec = rbm.Spec;
        Name = session.Device.ToString();
        Device = session.Description;
        _layer = new DeviceLayer(_accelerator, rbm.Weights);
        _visibleBias = _accelerator.Allocate1D(rbm.VisibleBias);
        _visibleBiasVelocity = _accelerator.Allocate1D(rbm.VisibleBiasVelocity);
        _evolution = session.Kernels(a => new DeviceEvolution(a));
        _kernels = session.Kernels(a => new Kernels(a));
        _launches = session.Kernels(RbmLaunches.For);
        _train = new Blocks(_accelerator, rbm.Visible, rbm.Hidden, _spec.BatchSize);
        if (rbm.PersistentChains is { } chains)
            _chains = _accelerator.Allocate1D(RbmChains.ToLanes(chains, rbm.Hidden, _spec.BatchSize, _train.Stride));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Device { get; }

    /// <inheritdoc/>
    public int LossTermsPerSample => Visible;

    /// <inheritdoc/>
    public IReadOnlyList<int> LayerConnections => [_layer.Connections];

    /// <inheritdoc/>
    public int[] ConnectionsPerInput(int layer)
    {
        if (layer != 0) throw new ArgumentOutOfRangeException(nameof(layer), layer, "an RBM has one weight layer");
        _accelerator.Synchronize();
        return CsrPattern.RowLengths(_layer.RowOffsets.GetAsArray1D());
    }

    int Visible => _spec.Visible;
    int Hidden => _spec.Hidden;
    bool Gaussian => _spec.VisibleUnits == VisibleUnitKind.Gaussian;

    /// <summary>Lanes per unit, as the CPU engine (the parity contract).</summary>
    static int Stride(int batch) => RbmLanes.Stride(batch);

    /// <inheritdoc/>
    public void SetTrainingData(Dataset train)
    {
        CheckShape(train);
        if (ReferenceEquals(_trainData, train)) return;
        _features?.Dispose();
        _order?.Dispose();
        _features = _accelerator.Allocate1D(train.Features);
        _order = _accelerator.Allocate1D<int>(train.Samples);
        _trainData = train;
    }

    void CheckShape(Dataset data)
    {
        if (data.FeatureCount != Visible)
            throw new ArgumentException($"{data.Name}: {data.FeatureCount} features, but the RBM has {Visible} visible units");
    }

    KernelConfig For(long items) => Launch.For(_accelerator, items);

    /// <inheritdoc/>
    public EpochPosition TrainBatches(ReadOnlySpan<int> order, EpochPosition from, long firstStep, StepSize step,
                                      CancellationToken cancellation = default, Action<int>? batchDone = null)
    {
        if (_trainData is null || _features is null || _order is null)
            throw new InvalidOperationException("call SetTrainingData before TrainBatches");
        if (order.Length > _trainData.Samples) throw new ArgumentException($"order has {order.Length} entries for {_trainData.Samples} samples");
        _order.View.AsContiguous().SubView(0, order.Length).CopyFromCPU(order);
        int batchSize = _spec.BatchSize, batches = _spec.BatchesPerEpoch(order.Length);
        if (_errors is null || _errors.Length < (long)batches * Visible)
        {
            _errors?.Dispose();
            _errors = _accelerator.Allocate1D<float>((long)batches * Visible);
        }
        int batch = from.Batch;
        for (; batch < batches && !cancellation.IsCancellationRequested; batch++)
        {
            int start = batch * batchSize, count = Math.Min(batchSize, order.Length - start);
            TrainStep(start, count, firstStep + batch, batch * Visible, step);
            batchDone?.Invoke(batch + 1);
        }
        _accelerator.Synchronize();
        // The slice's row errors, batch by batch and rows in order (as the CPU engine), folded onto the epoch's sum so far.
        double sum = from.LossSum;
        if (batch > from.Batch)
            foreach (float e in _errors.View.SubView((long)from.Batch * Visible, (long)(batch - from.Batch) * Visible).GetAsArray1D()) sum += e;
        return new EpochPosition(batch, sum);
    }

    RbmGatherParams HiddenParams(int stride, int batch, int epilogue, ulong key, long sampleOffset, bool writePre = false) => new()
    {
        Rows = Hidden, Stride = stride, Batch = batch, Indirect = 1, Epilogue = epilogue,
        WritePre = writePre ? 1 : 0, Units = Hidden, Key = key, SampleOffset = sampleOffset,
    };

    RbmGatherParams VisibleParams(int stride, int batch) => new()
    {
        Rows = Visible, Stride = stride, Batch = batch, Indirect = 0,
        Epilogue = Gaussian ? 3 : 2, Units = Visible,
    };

    void HiddenGather(Block v, Block dst, Block pre, RbmGatherParams p) =>
        _launches.Gather(Hidden, _layer.IncomingOffsets, _layer.IncomingInputs, _layer.IncomingWeightIndex, _layer.Weights,
            _layer.Bias, v, dst, pre, p);

    void VisibleGather(Block h, Block dst, RbmGatherParams p) =>
        _launches.Gather(Visible, _layer.RowOffsets, _layer.Columns, _layer.IncomingWeightIndex, _layer.Weights, _visibleBias,
            h, dst, dst, p);

    void TrainStep(int offset, int batch, long step, int errorSlot, StepSize stepSize)
    {
        var t = _train;
        int stride = t.Stride;
        ulong seed = _spec.Seed;
        _kernels.GatherBatch(For((long)Visible * stride), _features!.View, _order!.View, offset, batch, stride, Visible, t.VData.View);

        // Positive phase: sampled hidden states of the data.
        HiddenGather(t.VData, t.HData, t.HData, HiddenParams(stride, batch, 1, RbmSampling.HiddenKey(seed, 0, step), 0));

        var chainStart = t.HData;
        if (_spec.Persistent)
        {
            VisibleGather(t.HData, t.VMean, VisibleParams(stride, batch));
            _kernels.RowErrors(For(Visible), t.VData.View, t.VMean.View, Visible, stride, _errors!.View, errorSlot);
            if (_chains is null)
            {
                _chains = _accelerator.Allocate1D<float>(t.HData.Length);
                t.HData.View.CopyTo(_chains.View);
            }
            chainStart = _chains;
        }

        var hPrevious = chainStart;
        var vModel = _spec.SampleVisible ? t.VSample : t.VMean;
        for (int g = 1; g <= _spec.CdSteps; g++)
        {
            VisibleGather(hPrevious, t.VMean, VisibleParams(stride, batch));
            if (_spec.SampleVisible)
                _kernels.SampleVisible(For((long)Visible * stride), t.VMean.View, t.VSample.View, Visible, stride, batch,
                    Gaussian ? 1 : 0, RbmSampling.VisibleKey(seed, g, step));
            if (g == 1 && !_spec.Persistent)
                _kernels.RowErrors(For(Visible), t.VData.View, t.VMean.View, Visible, stride, _errors!.View, errorSlot);
            HiddenGather(vModel, t.HModel, t.HModel, HiddenParams(stride, batch, 1, RbmSampling.HiddenKey(seed, g, step), 0));
            hPrevious = t.HModel;
        }

        var s = new RbmStepParams
        {
            LearningRate = stepSize.LearningRate, Momentum = _spec.Sgd.Momentum, WeightDecay = stepSize.WeightDecay,
            InvBatch = 1f / batch,
        };
        _launches.CdUpdate(Visible, _layer.RowOffsets, _layer.Columns, _layer.Weights, _layer.Velocity, t.VData, t.HData, vModel,
            t.HModel, stride, s);
        _launches.UpdateBias(Visible, _visibleBias, _visibleBiasVelocity, t.VData, vModel, stride, s);
        _launches.UpdateBias(Hidden, _layer.Bias, _layer.BiasVelocity, t.HData, t.HModel, stride, s);
        if (_spec.Persistent)
            _kernels.CopyLanes(For((long)Hidden * stride), t.HModel.View, _chains!.View, Hidden, stride, batch);
    }

    Blocks EvalBlocks(Dataset data, out int size)
    {
        size = Math.Min(_spec.EvaluationBatchSize, data.Samples);
        if (_eval is { } existing && existing.Batch == size) return existing;
        _eval?.Dispose();
        return _eval = new Blocks(_accelerator, Visible, Hidden, size);
    }

    /// <summary>
    /// Reconstruction errors on the device (same kernels and sample keys as the CPU engine); the free energies on
    /// the host in double precision from the downloaded data block and hidden pre-activations.
    /// </summary>
    public RbmEvaluation Evaluate(Dataset data, ulong sampleKey)
    {
        CheckShape(data);
        var e = EvalBlocks(data, out int size);
        int stride = e.Stride, n = data.Samples;
        using var features = _accelerator.Allocate1D(data.Features);
        using var order = _accelerator.Allocate1D(Enumerable.Range(0, n).ToArray());
        using var errors = _accelerator.Allocate1D<float>(Visible);
        var visibleBias = _visibleBias.GetAsArray1D();
        double errorSum = 0, freeSum = 0, freeSquares = 0;
        for (int start = 0; start < n; start += size)
        {
            int batch = Math.Min(size, n - start);
            _kernels.GatherBatch(For((long)Visible * stride), features.View, order.View, start, batch, stride, Visible, e.VData.View);
            HiddenGather(e.VData, e.HData, e.HModel, HiddenParams(stride, batch, 1, sampleKey, start, writePre: true));
            VisibleGather(e.HData, e.VMean, VisibleParams(stride, batch));
            _kernels.RowErrors(For(Visible), e.VData.View, e.VMean.View, Visible, stride, errors.View, 0);
            _accelerator.Synchronize();
            foreach (float r in errors.GetAsArray1D()) errorSum += r;
            var v = e.VData.GetAsArray1D();
            var pre = e.HModel.GetAsArray1D();
            for (int b = 0; b < batch; b++)
            {
                double f = 0;
                for (int i = 0; i < Visible; i++) f -= RbmEnergy.VisibleTerm(_spec.VisibleUnits, v[i * stride + b], visibleBias[i]);
                for (int j = 0; j < Hidden; j++) f -= RbmEnergy.Softplus(pre[j * stride + b]);
                freeSum += f;
                freeSquares += f * f;
            }
        }
        double mean = freeSum / n;
        double variance = n > 1 ? Math.Max(0, (freeSquares - n * mean * mean) / (n - 1)) : 0;
        return new RbmEvaluation(errorSum / ((double)n * Visible), mean, Math.Sqrt(variance), n);
    }

    /// <inheritdoc/>
    public float[] Transform(Dataset data)
    {
        CheckShape(data);
        var e = EvalBlocks(data, out int size);
        int stride = e.Stride, n = data.Samples;
        using var features = _accelerator.Allocate1D(data.Features);
        using var order = _accelerator.Allocate1D(Enumerable.Range(0, n).ToArray());
        var result = new float[(long)n * Hidden];
        for (int start = 0; start < n; start += size)
        {
            int batch = Math.Min(size, n - start);
            _kernels.GatherBatch(For((long)Visible * stride), features.View, order.View, start, batch, stride, Visible, e.VData.View);
            HiddenGather(e.VData, e.HData, e.HData, HiddenParams(stride, batch, 2, 0, 0));
            _accelerator.Synchronize();
            var h = e.HData.GetAsArray1D();
            for (int j = 0; j < Hidden; j++)
                for (int b = 0; b < batch; b++) result[(long)(start + b) * Hidden + j] = h[j * stride + b];
        }
        return result;
    }

    /// <summary>
    /// With regrowth: <see cref="DeviceEvolution"/> on the device (the same topology and values as the host's
    /// <see cref="SparseEvolution"/>). Prune-only (after the last epoch): download, prune on the host, upload.
    /// </summary>
    public IReadOnlyList<LayerEvolution> Evolve(int epoch, double zeta, bool regrow = true)
    {
        if (!(zeta >= 0 && zeta < 1)) throw new ArgumentException($"zeta must lie in [0, 1), got {zeta}");
        return [regrow ? _evolution.EvolveLayer(_layer, 0, zeta, _spec.Seed, epoch) : IlgpuEngine.PruneOnHost(_layer, 0, zeta)];
    }

    /// <summary>On the host: the CPU engine runs AIS on a copy of the current state.</summary>
    public double[] AisLogWeights(AisOptions options, ulong seed, ReadOnlySpan<float> baseVisibleBias)
    {
        using var host = new CpuRbmEngine(Export());
        return host.AisLogWeights(options, seed, baseVisibleBias);
    }

    /// <inheritdoc/>
    public SparseRbm Export()
    {
        _accelerator.Synchronize();
        var chains = _chains is null ? null : RbmChains.FromLanes(_chains.GetAsArray1D(), Hidden, _spec.BatchSize, _train.Stride);
        return new SparseRbm(_spec, _layer.Download(), _visibleBias.GetAsArray1D(), _visibleBiasVelocity.GetAsArray1D(), chains);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _train.Dispose();
        _eval?.Dispose();
        _features?.Dispose();
        _order?.Dispose();
        _errors?.Dispose();
        _chains?.Dispose();
        _layer.Dispose();
        _visibleBias.Dispose();
        _visibleBiasVelocity.Dispose();
        _session.Dispose();
    }

    /// <summary>Unit-major device blocks of one batch size (as the CPU engine's).</summary>
    sealed class Blocks : IDisposable
    {
        public Blocks(Accelerator accelerator, int visible, int hidden, int batch)
        {
            Batch = batch;
            Stride = IlgpuRbmEngine.Stride(batch);
            VData = accelerator.Allocate1D<float>((long)visible * Stride);
            VMean = accelerator.Allocate1D<float>((long)visible * Stride);
            VSample = accelerator.Allocate1D<float>((long)visible * Stride);
            HData = accelerator.Allocate1D<float>((long)hidden * Stride);
            HModel = accelerator.Allocate1D<float>((long)hidden * Stride);
            VSample.MemSetToZero();
        }

        public int Batch { get; }
        public int Stride { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> VData { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> VMean { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> VSample { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> HData { get; }
        public MemoryBuffer1D<float, Stride1D.Dense> HModel { get; }

        public void Dispose()
        {
            VData.Dispose();
            VMean.Dispose();
            VSample.Dispose();
            HData.Dispose();
            HModel.Dispose();
        }
    }

    /// <summary>The RBM kernels, loaded once.</summary>
    sealed class Kernels(Accelerator accelerator)
    {
        // The MLP's batch gather: the same feature-major block with zero padding lanes, here `stride` lanes wide.
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, int, int, int, int, ArrayView<float>> GatherBatch =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, int, int, int, int, ArrayView<float>>(TrainingKernels.GatherBatch);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, int, ulong> SampleVisible =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, int, ulong>(RbmKernels.SampleVisible);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, ArrayView<float>, int> RowErrors =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, ArrayView<float>, int>(RbmKernels.RowErrors);
        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int> CopyLanes =
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(RbmKernels.CopyLanes);
    }
}
