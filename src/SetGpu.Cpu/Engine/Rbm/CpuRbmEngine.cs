using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SetGpu.Data;
using SetGpu.Evolution;
using SetGpu.Rbm;
using SetGpu.Sparse;
using SetGpu.Training;

namespace SetGpu.Cpu.Rbm;

/// <summary>
/// The CPU engine of a SET-RBM: trains a <see cref="SparseRbm"/> in place with multithreaded, vectorised managed
/// code, the reference other RBM engines are checked against. Units are blocks of unit × lanes (the batch padded to
/// whole groups of lanes, summed in the order <see cref="RbmLanes"/> fixes for every RBM engine). Per CD step: h = σ(c + Wᵀv) as a gather over each hidden unit's incoming connections,
/// v = σ(b + W h) as a gather over each visible unit's CSR row, and one fused SDDMM sweep of the rows that
/// updates the weights. No dense visible × hidden array exists.
/// </summary>
public sealed class CpuRbmEngine : IRbmEngine
{
    readonly SparseRbm _rbm;
    readonly SetRbmSpec _spec;
    IncomingIndex _incoming;
    Dataset? _trainData;
    readonly Blocks _train;
    Blocks? _eval;
    float[]? _chains; // persistent CD: the fantasy particles' hidden states, one chain per batch slot

    /// <summary>
    /// An engine that trains <paramref name="rbm"/> itself (not a copy; <see cref="Export"/> adds the persistent chains),
    /// as its specification says.
    /// </summary>
    public CpuRbmEngine(SparseRbm rbm)
    {
        _rbm = rbm;
        _spec = rbm.Spec;
        _incoming = IncomingIndex.Build(rbm.Weights.Pattern, rbm.Hidden);
        _train = new Blocks(rbm.Visible, rbm.Hidden, _spec.BatchSize);
        if (rbm.PersistentChains is { } chains) _chains = RbmChains.ToLanes(chains, rbm.Hidden, _spec.BatchSize, _train.Stride);
    }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public string Device =>
        $"CPU engine: {Environment.ProcessorCount} threads, {RbmLanes.Width}-lane float vectors" +
        (Avx512F.IsSupported ? " (CPU has AVX-512)" : Avx2.IsSupported ? " (CPU has AVX2)" : "");

    /// <inheritdoc/>
    public int LossTermsPerSample => _rbm.Visible;

    /// <inheritdoc/>
    public IReadOnlyList<int> LayerConnections => [_rbm.Connections];

    /// <inheritdoc/>
    public int[] ConnectionsPerInput(int layer)
    {
        if (layer != 0) throw new ArgumentOutOfRangeException(nameof(layer), layer, "an RBM has one weight layer");
        return CsrPattern.RowLengths(_rbm.Weights.Pattern.Offsets);
    }

    bool Gaussian => _spec.VisibleUnits == VisibleUnitKind.Gaussian;

    /// <inheritdoc/>
    public void SetTrainingData(Dataset train)
    {
        CheckShape(train);
        _trainData = train;
    }

    void CheckShape(Dataset data)
    {
        if (data.FeatureCount != _rbm.Visible)
            throw new ArgumentException($"{data.Name}: {data.FeatureCount} features, but the RBM has {_rbm.Visible} visible units");
    }

    /// <inheritdoc/>
    public EpochPosition TrainBatches(ReadOnlySpan<int> order, EpochPosition from, long firstStep, StepSize step,
                                      CancellationToken cancellation = default, Action<int>? batchDone = null)
    {
        var data = _trainData ?? throw new InvalidOperationException("call SetTrainingData before TrainBatches");
        int batchSize = _spec.BatchSize, batches = _spec.BatchesPerEpoch(order.Length);
        var update = new RbmStep(step.LearningRate, _spec.Sgd.Momentum, step.WeightDecay);
        double errorSum = from.LossSum;
        int batch = from.Batch;
        for (; batch < batches && !cancellation.IsCancellationRequested; batch++)
        {
            int start = batch * batchSize, count = Math.Min(batchSize, order.Length - start);
            errorSum += TrainStep(data, order.Slice(start, count), firstStep + batch, update);
            batchDone?.Invoke(batch + 1);
        }
        return new EpochPosition(batch, errorSum);
    }

    /// <summary>One CD-k step on a batch; returns the summed squared one-step reconstruction error.</summary>
    double TrainStep(Dataset data, ReadOnlySpan<int> indices, long step, RbmStep update)
    {
        var t = _train;
        int batch = indices.Length, stride = t.Stride, visible = _rbm.Visible, hidden = _rbm.Hidden;
        ulong seed = _spec.Seed;
        var layer = _rbm.Weights;
        Gather(data, indices, t.VData, stride);

        // Positive phase: sampled hidden states of the data.
        HiddenGather(t.VData, stride, new SampleHidden(t.HData, batch, hidden, RbmSampling.HiddenKey(seed, 0, step), 0));

        double error = 0;
        float[] chainStart = t.HData;
        if (_spec.Persistent)
        {
            // The training error still measures the one-step reconstruction of the data.
            VisibleGather(t.HData, stride, new VisibleMean(t.VMean, null, t.VData, t.Errors, Gaussian, batch, visible, 0));
            error = SumErrors(t.Errors);
            if (_chains is null) _chains = (float[])t.HData.Clone(); // chains start at the first batch's data
            chainStart = _chains;
        }

        // Negative phase: k Gibbs steps; means of the visible units unless they are sampled.
        var hPrevious = chainStart;
        var vModel = _spec.SampleVisible ? t.VSample : t.VMean;
        for (int g = 1; g <= _spec.CdSteps; g++)
        {
            bool measure = g == 1 && !_spec.Persistent;
            VisibleGather(hPrevious, stride, new VisibleMean(t.VMean, _spec.SampleVisible ? t.VSample : null,
                measure ? t.VData : null, measure ? t.Errors : null, Gaussian, batch, visible, RbmSampling.VisibleKey(seed, g, step)));
            if (measure) error = SumErrors(t.Errors);
            HiddenGather(vModel, stride, new SampleHidden(t.HModel, batch, hidden, RbmSampling.HiddenKey(seed, g, step), 0));
            hPrevious = t.HModel;
        }

        CdUpdate.Run(layer, t.VData, t.HData, vModel, t.HModel, stride, batch, update);
        CdUpdate.Biases(_rbm.VisibleBias, _rbm.VisibleBiasVelocity, t.VData, vModel, stride, batch, update);
        CdUpdate.Biases(_rbm.HiddenBias, layer.BiasVelocity, t.HData, t.HModel, stride, batch, update);
        if (_spec.Persistent)
            for (int j = 0; j < hidden; j++) // the chains of this batch's slots move on; slots a short batch left out keep theirs
                Array.Copy(t.HModel, j * stride, _chains!, j * stride, batch);
        return error;
    }

    void HiddenGather<TEpilogue>(float[] visible, int stride, TEpilogue epilogue) where TEpilogue : struct, IRowEpilogue =>
        RbmGather.Run(_rbm.Hidden, _rbm.Connections, new IncomingEntries(_incoming, _rbm.Weights.Weights), _rbm.HiddenBias,
                      visible, stride, epilogue);

    void VisibleGather<TEpilogue>(float[] hidden, int stride, TEpilogue epilogue) where TEpilogue : struct, IRowEpilogue =>
        RbmGather.Run(_rbm.Visible, _rbm.Connections, new RowEntries(_rbm.Weights.Pattern, _rbm.Weights.Weights), _rbm.VisibleBias,
                      hidden, stride, epilogue);

    /// <summary>Row errors summed in row order, so the total does not depend on which thread computed a row.</summary>
    static double SumErrors(double[] errors)
    {
        double sum = 0;
        foreach (double e in errors) sum += e;
        return sum;
    }

    /// <summary>
    /// Copies samples into a unit-major block (unit × stride), zeros in the padding lanes. Unit by unit, so the
    /// samples are read as parallel sequential streams and the block is written once, in order.
    /// </summary>
    static void Gather(Dataset data, ReadOnlySpan<int> indices, float[] block, int stride)
    {
        int batch = indices.Length, features = data.FeatureCount;
        if (batch > stride) throw new ArgumentException($"batch {batch} exceeds the block's {stride} lanes");
        var x = data.Features;
        ref float dst = ref MemoryMarshal.GetArrayDataReference(block);
        // Sample by sample: each sample's features are read in order (one stream), written down a column of the
        // block, which at a few dozen lanes per row stays in L1/L2. No bounds checks in the loop: 4 features per step.
        for (int b = 0; b < batch; b++)
        {
            var src = x.AsSpan(indices[b] * features, features); // the one bounds check per sample
            ref float s = ref MemoryMarshal.GetReference(src);
            ref float d = ref Unsafe.Add(ref dst, b);
            int i = 0;
            for (; i + 4 <= features; i += 4)
            {
                Unsafe.Add(ref d, i * stride) = Unsafe.Add(ref s, i);
                Unsafe.Add(ref d, (i + 1) * stride) = Unsafe.Add(ref s, i + 1);
                Unsafe.Add(ref d, (i + 2) * stride) = Unsafe.Add(ref s, i + 2);
                Unsafe.Add(ref d, (i + 3) * stride) = Unsafe.Add(ref s, i + 3);
            }
            for (; i < features; i++) Unsafe.Add(ref d, i * stride) = Unsafe.Add(ref s, i);
        }
        if (batch < stride) // padding lanes stay zero
            for (int i = 0; i < features; i++) block.AsSpan(i * stride + batch, stride - batch).Clear();
    }

    /// <inheritdoc/>
    public RbmEvaluation Evaluate(Dataset data, ulong sampleKey)
    {
        CheckShape(data);
        int size = Math.Min(_spec.EvaluationBatchSize, data.Samples), visible = _rbm.Visible, hidden = _rbm.Hidden;
        var e = _eval is { } existing && existing.Batch == size ? existing : _eval = new Blocks(visible, hidden, size);
        int stride = e.Stride;
        double errorSum = 0, freeSum = 0, freeSquares = 0;
        var free = new double[stride];
        for (int start = 0; start < data.Samples; start += size)
        {
            int batch = Math.Min(size, data.Samples - start);
            Gather(data, Range(start, batch), e.VData, stride);
            HiddenGather(e.VData, stride, new SampleHidden(e.HData, batch, hidden, sampleKey, start, e.HPre));
            VisibleGather(e.HData, stride, new VisibleMean(e.VMean, null, e.VData, e.Errors, Gaussian, batch, visible, 0));
            errorSum += SumErrors(e.Errors);
            FreeEnergies(e.VData, e.HPre, stride, batch, free);
            for (int b = 0; b < batch; b++) { freeSum += free[b]; freeSquares += free[b] * free[b]; }
        }
        int n = data.Samples;
        double mean = freeSum / n;
        double variance = n > 1 ? Math.Max(0, (freeSquares - n * mean * mean) / (n - 1)) : 0;
        return new RbmEvaluation(errorSum / ((double)n * visible), mean, Math.Sqrt(variance), n);
    }

    static int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();

    /// <summary>F(v) of each lane from the data block and the hidden pre-activations (see <see cref="RbmEnergy"/>).</summary>
    void FreeEnergies(float[] v, float[] pre, int stride, int batch, double[] free)
    {
        Array.Clear(free);
        const int width = RbmLanes.Width;
        var lanes = new Vector256<float>[stride / width];
        for (int i = 0; i < _rbm.Visible; i++)
        {
            float bias = _rbm.VisibleBias[i];
            for (int b = 0; b < stride; b += width)
            {
                var x = Vector256.LoadUnsafe(ref v[i * stride + b]);
                var bv = Vector256.Create(bias);
                lanes[b / width] -= Gaussian ? -0.5f * (x - bv) * (x - bv) : bv * x;
            }
        }
        for (int j = 0; j < _rbm.Hidden; j++)
            for (int b = 0; b < stride; b += width)
                lanes[b / width] -= RbmVectorMath.Softplus(Vector256.LoadUnsafe(ref pre[j * stride + b]));
        for (int b = 0; b < batch; b++) free[b] = lanes[b / width][b % width];
    }

    /// <inheritdoc/>
    public float[] Transform(Dataset data)
    {
        CheckShape(data);
        int size = Math.Min(_spec.EvaluationBatchSize, data.Samples), hidden = _rbm.Hidden;
        var e = _eval is { } existing && existing.Batch == size ? existing : _eval = new Blocks(_rbm.Visible, hidden, size);
        int stride = e.Stride;
        var features = new float[(long)data.Samples * hidden];
        for (int start = 0; start < data.Samples; start += size)
        {
            int batch = Math.Min(size, data.Samples - start);
            Gather(data, Range(start, batch), e.VData, stride);
            HiddenGather(e.VData, stride, new HiddenProbability(e.HData, batch));
            for (int j = 0; j < hidden; j++)
                for (int b = 0; b < batch; b++) features[(long)(start + b) * hidden + j] = e.HData[j * stride + b];
        }
        return features;
    }

    /// <inheritdoc/>
    public IReadOnlyList<LayerEvolution> Evolve(int epoch, double zeta, bool regrow = true)
    {
        var result = SparseEvolution.Evolve(_rbm.Weights, 0, zeta, _spec.Seed, epoch, regrow);
        _incoming = IncomingIndex.Build(_rbm.Weights.Pattern, _rbm.Hidden);
        return [result];
    }

    /// <inheritdoc/>
    public double[] AisLogWeights(AisOptions options, ulong seed, ReadOnlySpan<float> baseVisibleBias)
    {
        options.Validate();
        if (baseVisibleBias.Length != _rbm.Visible)
            throw new ArgumentException($"base visible bias has {baseVisibleBias.Length} values, the RBM {_rbm.Visible} visible units");
        int runs = options.Runs, visible = _rbm.Visible, hidden = _rbm.Hidden;
        var betas = options.Schedule();
        var blocks = new Blocks(visible, hidden, runs);
        int stride = blocks.Stride;
        const int width = RbmLanes.Width;
        var bA = baseVisibleBias.ToArray();
        float[] v = blocks.VData, h = blocks.HData, delta = blocks.HPre;
        var difference = new float[visible]; // b − b_A: the visible term changes along it
        for (int i = 0; i < visible; i++) difference[i] = _rbm.VisibleBias[i] - bA[i];

        // v from the base model, exactly.
        ulong initialKey = RbmSampling.AisKey(seed, 2, 0);
        for (int i = 0; i < visible; i++)
            for (int r = 0; r < runs; r++)
            {
                ulong counter = RbmSampling.Counter(r, visible, i);
                v[i * stride + r] = Gaussian
                    ? bA[i] + RbmSampling.StandardNormal(initialKey, counter)
                    : RbmSampling.Bernoulli(initialKey, counter, 1f / (1f + MathF.Exp(-bA[i])));
            }

        var logWeights = new double[runs];
        var lanes = new Vector256<float>[stride / width];
        for (int k = 1; k < betas.Length; k++)
        {
            float beta = (float)betas[k], previous = (float)betas[k - 1];
            bool move = k < betas.Length - 1;
            HiddenGather(v, stride, new AisHidden(delta, move ? h : null, runs, hidden,
                RbmSampling.AisKey(seed, 0, k), beta, previous));
            // log p*_k(v) − log p*_{k−1}(v): the hidden terms just computed, plus the visible term's change.
            Array.Clear(lanes);
            for (int j = 0; j < hidden; j++)
                for (int b = 0; b < stride; b += width) lanes[b / width] += Vector256.LoadUnsafe(ref delta[j * stride + b]);
            var step = Vector256.Create(beta - previous);
            for (int i = 0; i < visible; i++)
            {
                var d = Vector256.Create(difference[i]);
                for (int b = 0; b < stride; b += width)
                {
                    var x = Vector256.LoadUnsafe(ref v[i * stride + b]);
                    if (!Gaussian) lanes[b / width] += step * d * x;
                    else
                    {
                        // −½(x − m_k)² + ½(x − m_{k−1})² = (m_k − m_{k−1})·(x − (m_k + m_{k−1})/2)
                        var mk = Vector256.Create(bA[i] + beta * difference[i]);
                        var mPrev = Vector256.Create(bA[i] + previous * difference[i]);
                        lanes[b / width] += (mk - mPrev) * (x - 0.5f * (mk + mPrev));
                    }
                }
            }
            for (int r = 0; r < runs; r++) logWeights[r] += lanes[r / width][r % width];
            if (move)
                VisibleGather(h, stride, new AisVisible(v, bA, Gaussian, beta, runs, visible, RbmSampling.AisKey(seed, 1, k)));
        }
        return logWeights;
    }

    /// <inheritdoc/>
    public SparseRbm Export()
    {
        var copy = _rbm.Clone();
        return _chains is null ? copy
            : new SparseRbm(_spec, copy.Weights, copy.VisibleBias, copy.VisibleBiasVelocity,
                            RbmChains.FromLanes(_chains, _rbm.Hidden, _spec.BatchSize, _train.Stride));
    }

    /// <inheritdoc/>
    public void Dispose() { }

    /// <summary>The unit-major blocks of one batch size.</summary>
    sealed class Blocks
    {
        public Blocks(int visible, int hidden, int batch)
        {
            Batch = batch;
            Stride = RbmLanes.Stride(batch);
            VData = new float[visible * Stride];
            VMean = new float[visible * Stride];
            VSample = new float[visible * Stride];
            HData = new float[hidden * Stride];
            HModel = new float[hidden * Stride];
            HPre = new float[hidden * Stride];
            Errors = new double[visible];
        }

        public int Batch { get; }
        public int Stride { get; }
        /// <summary>The data v⁰.</summary>
        public float[] VData { get; }
        /// <summary>Visible means of the latest Gibbs step.</summary>
        public float[] VMean { get; }
        /// <summary>Sampled visible states (when the negative phase samples them).</summary>
        public float[] VSample { get; }
        /// <summary>h⁰, sampled from the data.</summary>
        public float[] HData { get; }
        /// <summary>hᵏ, sampled at the end of the chain.</summary>
        public float[] HModel { get; }
        /// <summary>Hidden pre-activations (free energies) or AIS log-weight terms.</summary>
        public float[] HPre { get; }
        /// <summary>Squared reconstruction error per visible row.</summary>
        public double[] Errors { get; }
    }
}
