using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.Sparse;
using SetGpu.Training;

namespace SetGpu.Checkpoints;

/// <summary>
/// The payload of a format-version-2 checkpoint, all little-endian:
/// <code>
/// string  data identity (JSON; empty for a model saved without its data)   string = int32 byte length, then UTF-8
/// string  training report (JSON: the specification, whose "model" says mlp or rbm, and every epoch's record so far)
/// int32   standardisation features F (0: none), then float32[F] means, float32[F] standard deviations
/// int32   epoch in progress, int32 its next batch, float64 its loss sum so far, float64 its training seconds so far
/// mlp:    int32 weight layers L, then L layers
/// rbm:    1 layer (rows = visible units; its biases are the hidden biases), float32[visible] visible biases,
///         int32 S, S × float32[visible] visible-bias optimiser state, int32 C (0 or batch × hidden), float32[C] chains
/// layer:  int32 inputs, int32 outputs, int32 connections nnz
///         int32 activation kind, float32 slope, int32 initialiser kind, float32 initialiser scale
///         int32[inputs + 1] CSR row offsets, int32[nnz] columns (rows = input neurons), float32[nnz] weights,
///         int32 S optimiser state arrays, S × float32[nnz], float32[outputs] biases, S × float32[outputs]
///         SReLU layers only (activation kind 4): float32[4 × outputs] parameters (t_l, a_l, t_r, a_r planes),
///         S × float32[4 × outputs]
/// </code>
/// S is the specification's optimiser's (1 for SGD, 2 for Adam and AdamW; the RBM trains with SGD).
/// O(nnz + neurons) bytes: nothing dense. The epoch and step are the only random-generator state: every random stream is
/// keyed by (seed, stream, layer, epoch or step).
/// </summary>
internal static class CheckpointPayload
{
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(Stream stream, TrainingCheckpoint checkpoint)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        WriteString(w, checkpoint.Data is null ? "" : JsonSerializer.Serialize(checkpoint.Data, Json));
        WriteString(w, checkpoint.Report.ToJson());
        if (checkpoint.Scaling is { } s)
        {
            w.Write(s.Mean.Count);
            WriteArray(w, s.Mean.ToArray());
            WriteArray(w, s.Std.ToArray());
        }
        else w.Write(0);
        var state = checkpoint.InProgress;
        w.Write(state.Epoch);
        w.Write(state.Position.Batch);
        w.Write(state.Position.LossSum);
        w.Write(state.TrainSeconds);
        if (checkpoint.Network is { } network)
        {
            w.Write(network.Layers.Count);
            foreach (var layer in network.Layers) WriteLayer(w, layer);
        }
        else
        {
            var rbm = checkpoint.Rbm!;
            WriteLayer(w, rbm.Weights);
            WriteArray(w, rbm.VisibleBias);
            w.Write(1);
            WriteArray(w, rbm.VisibleBiasVelocity);
            var chains = rbm.PersistentChains ?? [];
            w.Write(chains.Length);
            WriteArray(w, chains);
        }
    }

    static void WriteLayer(BinaryWriter w, SparseLayer layer)
    {
        w.Write(layer.Inputs);
        w.Write(layer.Outputs);
        w.Write(layer.Connections);
        w.Write((int)layer.Activation.Kind);
        w.Write(layer.Activation.Slope);
        w.Write((int)layer.Init.Kind);
        w.Write(layer.Init.Scale);
        WriteArray(w, layer.Pattern.Offsets);
        WriteArray(w, layer.Pattern.Columns);
        WriteArray(w, layer.Weights);
        w.Write(layer.StateArrays);
        foreach (var state in layer.WeightState) WriteArray(w, state);
        WriteArray(w, layer.Bias);
        foreach (var state in layer.BiasState) WriteArray(w, state);
        if (layer.ActivationParameters is { } parameters)
        {
            WriteArray(w, parameters);
            foreach (var state in layer.ActivationState) WriteArray(w, state);
        }
    }

    static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    /// <summary>Chunks of at most 2^26 values: a span of bytes cannot address more than 2 GB at once.</summary>
    const int Chunk = 1 << 26;

    static void WriteArray<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        for (int start = 0; start < values.Length; start += Chunk)
            w.Write(MemoryMarshal.AsBytes(values.AsSpan(start, Math.Min(Chunk, values.Length - start))));
    }

    /// <summary>Reads a payload whose checksum has been verified; every length is checked against the bytes left before use.</summary>
    public static TrainingCheckpoint Read(Stream stream, long length, string path)
    {
        var r = new PayloadReader(stream, length, path);
        string identity = r.String("data identity");
        var data = identity.Length == 0 ? null
            : Parse(identity, path, "data identity", s => JsonSerializer.Deserialize<DataIdentity>(s, Json));
        TrainingReport report;
        try { report = TrainingReport.FromJson(r.String("training report"), "training report"); }
        catch (ReportFormatException e) { throw new CheckpointFormatException(path, e.Message, e); }
        var spec = report.Spec ?? throw new CheckpointFormatException(path, "the training report has no specification");
        try { spec.Validate(); }
        catch (ArgumentException e) { throw new CheckpointFormatException(path, $"specification: {e.Message}", e); }
        for (int e = 0; e < report.Epochs.Count; e++)
            if (report.Epochs[e].Epoch != e)
                throw new CheckpointFormatException(path, $"epoch record {e} is numbered {report.Epochs[e].Epoch}");
        if (report.Epochs.Count > spec.Epochs)
            throw new CheckpointFormatException(path, $"{report.Epochs.Count} epochs done of a run of {spec.Epochs}");

        Standardizer? scaling = null;
        int features = r.Int32("standardization features");
        if (features < 0) throw new CheckpointFormatException(path, $"standardization features: {features}");
        if (features > 0)
        {
            var mean = r.Array<float>(features, "standardization means");
            var std = r.Array<float>(features, "standardization deviations");
            try { scaling = Standardizer.FromStatistics(mean, std); }
            catch (ArgumentException e) { throw new CheckpointFormatException(path, e.Message, e); }
        }
        var state = ReadState(r, report, path);

        SparseNetwork? network = null;
        SparseRbm? rbm = null;
        int inputs;
        if (spec is SetMlpSpec mlp)
        {
            int layerCount = r.Int32("layer count");
            if (layerCount != mlp.LayerCount)
                throw new CheckpointFormatException(path, $"{layerCount} weight layers, but the model has {mlp.LayerCount}");
            var layers = new SparseLayer[layerCount];
            for (int l = 0; l < layerCount; l++)
                layers[l] = ReadLayer(r, $"layer {l}", mlp.LayerSizes[l], mlp.LayerSizes[l + 1], mlp.ActivationOf(l), mlp.Optimizer, path);
            network = new SparseNetwork(mlp, layers);
            inputs = mlp.LayerSizes[0];
        }
        else
        {
            var rbmSpec = (SetRbmSpec)spec;
            var weights = ReadLayer(r, "RBM weights", rbmSpec.Visible, rbmSpec.Hidden, new LayerActivation(ActivationKind.Sigmoid), rbmSpec.Optimizer, path);
            var visibleBias = Finite(r.Array<float>(rbmSpec.Visible, "visible biases"), "visible bias", path);
            int stateArrays = r.Int32("visible-bias optimiser state arrays");
            if (stateArrays != 1) throw new CheckpointFormatException(path, $"{stateArrays} visible-bias optimiser state arrays; SGD keeps 1");
            var visibleVelocity = Finite(r.Array<float>(rbmSpec.Visible, "visible-bias velocities"), "visible-bias velocity", path);
            int chainValues = r.Int32("persistent chain values");
            long expected = (long)rbmSpec.BatchSize * rbmSpec.Hidden;
            if (chainValues != 0 && (!rbmSpec.Persistent || chainValues != expected))
                throw new CheckpointFormatException(path, $"{chainValues} persistent chain values; a " +
                    (rbmSpec.Persistent ? $"persistent RBM keeps 0 or batch × hidden = {expected}" : "non-persistent RBM keeps none"));
            var chains = chainValues == 0 ? null : Finite(r.Array<float>(chainValues, "persistent chains"), "chain state", path);
            rbm = new SparseRbm(rbmSpec, weights, visibleBias, visibleVelocity, chains);
            inputs = rbmSpec.Visible;
        }
        if (!r.AtEnd)
            throw new CheckpointFormatException(path, $"{r.Remaining} bytes left after the model");
        if (scaling is not null && scaling.Mean.Count != inputs)
            throw new CheckpointFormatException(path, $"standardization has {scaling.Mean.Count} features, the model {inputs} inputs");
        return new TrainingCheckpoint { Data = data, Report = report, Scaling = scaling, InProgress = state, Network = network, Rbm = rbm };
    }

    static RunState ReadState(PayloadReader r, TrainingReport report, string path)
    {
        int epoch = r.Int32("epoch in progress"), batch = r.Int32("its next batch");
        double lossSum = r.Double("its loss sum"), seconds = r.Double("its training seconds");
        if (batch != 0 && (epoch != report.Epochs.Count || batch < 0 || report.IsComplete || !double.IsFinite(lossSum) || !(seconds >= 0)))
            throw new CheckpointFormatException(path, $"epoch in progress {epoch} at batch {batch} (loss sum {lossSum}, {seconds} s) " +
                                                      $"does not follow the {report.Epochs.Count} epochs done");
        return new RunState { Epoch = epoch, Position = new EpochPosition(batch, lossSum), TrainSeconds = seconds };
    }

    static SparseLayer ReadLayer(PayloadReader r, string what, int expectedInputs, int expectedOutputs, LayerActivation expectedActivation,
                                 Optimizer optimizer, string path)
    {
        int inputs = r.Int32($"{what} inputs"), outputs = r.Int32($"{what} outputs"), nnz = r.Int32($"{what} connections");
        if (inputs != expectedInputs || outputs != expectedOutputs)
            throw new CheckpointFormatException(path, $"{what} is {inputs} × {outputs}, the specification says {expectedInputs} × {expectedOutputs}");
        if (nnz < 0 || nnz > (long)inputs * outputs)
            throw new CheckpointFormatException(path, $"{what} has {nnz} connections; a {inputs} × {outputs} layer holds 0 to {(long)inputs * outputs}");
        var activation = new LayerActivation((ActivationKind)r.Int32($"{what} activation"), r.Single($"{what} slope"));
        if (activation != expectedActivation)
            throw new CheckpointFormatException(path, $"{what} activation is {activation}, the specification says {expectedActivation}");
        var initKind = (WeightInitKind)r.Int32($"{what} initialiser");
        float initScale = r.Single($"{what} initialiser scale");
        if (!Enum.IsDefined(initKind) || !float.IsFinite(initScale) || (initKind == WeightInitKind.Zero ? initScale != 0 : initScale <= 0))
            throw new CheckpointFormatException(path, $"{what} initialiser is {(int)initKind} with scale {initScale}");

        var offsets = r.Array<int>(inputs + 1L, $"{what} row offsets");
        var columns = r.Array<int>(nnz, $"{what} columns");
        var pattern = new CsrPattern(offsets, columns);
        try { pattern.Validate(outputs, what); }
        catch (InvalidDataException e) { throw new CheckpointFormatException(path, e.Message, e); }
        var weights = Finite(r.Array<float>(nnz, $"{what} weights"), $"{what} weight", path);
        int stateArrays = r.Int32($"{what} optimiser state arrays");
        if (stateArrays != optimizer.StateArrays)
            throw new CheckpointFormatException(path, $"{what} has {stateArrays} optimiser state arrays; the specification's optimiser " +
                                                      $"({optimizer.GetType().Name}) keeps {optimizer.StateArrays}");
        var state = States(r, stateArrays, nnz, $"{what} weight", path);
        var bias = Finite(r.Array<float>(outputs, $"{what} biases"), $"{what} bias", path);
        var biasState = States(r, stateArrays, outputs, $"{what} bias", path);
        int parameterCount = SparseLayer.ParameterCount(activation, outputs);
        float[]? parameters = null;
        float[][]? parameterState = null;
        if (parameterCount > 0)
        {
            parameters = Finite(r.Array<float>(parameterCount, $"{what} activation parameters"), $"{what} activation parameter", path);
            parameterState = States(r, stateArrays, parameterCount, $"{what} activation parameter", path);
        }
        return new SparseLayer(inputs, outputs, activation, new WeightInit(initKind, initScale), pattern, weights, state, bias, biasState,
                               parameters, parameterState);
    }

    /// <summary><paramref name="arrays"/> optimiser state arrays of <paramref name="length"/> values each, every value finite.</summary>
    static float[][] States(PayloadReader r, int arrays, long length, string what, string path) =>
        Enumerable.Range(0, arrays)
            .Select(s => Finite(r.Array<float>(length, $"{what} optimiser state {s}"), $"{what} optimiser state {s} value", path)).ToArray();

    static float[] Finite(float[] values, string what, string path)
    {
        for (int k = 0; k < values.Length; k++)
            if (!float.IsFinite(values[k])) throw new CheckpointFormatException(path, $"{what} {k} is {values[k]}");
        return values;
    }

    static T Parse<T>(string json, string path, string what, Func<string, T?> parse) where T : class
    {
        try { return parse(json) ?? throw new CheckpointFormatException(path, $"{what} is empty"); }
        catch (JsonException e) { throw new CheckpointFormatException(path, $"{what}: {e.Message}", e); }
    }

    /// <summary>Reads the payload's fields, refusing any length that exceeds what is left before allocating for it.</summary>
    sealed class PayloadReader(Stream stream, long length, string path)
    {
        long _read;
        public long Remaining => length - _read;
        public bool AtEnd => _read == length;

        void Need(long bytes, string what)
        {
            if (bytes < 0 || bytes > Remaining)
                throw new CheckpointFormatException(path, $"{what}: {bytes} bytes needed, {Remaining} left in the payload");
        }

        public int Int32(string what)
        {
            Span<byte> b = stackalloc byte[4];
            Fill(b, what);
            return BitConverter.ToInt32(b);
        }

        public double Double(string what)
        {
            Span<byte> b = stackalloc byte[8];
            Fill(b, what);
            return BitConverter.ToDouble(b);
        }

        public float Single(string what)
        {
            Span<byte> b = stackalloc byte[4];
            Fill(b, what);
            return BitConverter.ToSingle(b);
        }

        public string String(string what)
        {
            int n = Int32(what + " length");
            Need(n, what);
            var bytes = new byte[n];
            Fill(bytes, what);
            return Encoding.UTF8.GetString(bytes);
        }

        public T[] Array<T>(long count, string what) where T : unmanaged
        {
            if (count < 0 || count > System.Array.MaxLength)
                throw new CheckpointFormatException(path, $"{what}: count {count}");
            Need(count * Marshal.SizeOf<T>(), what);
            var values = new T[count];
            for (int start = 0; start < values.Length; start += Chunk)
                Fill(MemoryMarshal.AsBytes(values.AsSpan(start, Math.Min(Chunk, values.Length - start))), what);
            return values;
        }

        void Fill(Span<byte> target, string what)
        {
            Need(target.Length, what);
            stream.ReadExactly(target);
            _read += target.Length;
        }
    }
}
