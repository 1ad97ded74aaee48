using SetGpu.Model;

namespace SetGpu.Training;

/// <summary>The one order of <see cref="IParameterExchange"/>, and its topology hash, shared by every engine.</summary>
public static class ParameterOrder
{
    /// <summary>A layer's arrays in exchange order: weights, their state, biases, their state, activation parameters, their state.</summary>
    public static IEnumerable<T> Of<T>(T weights, T[] weightState, T bias, T[] biasState, T? activation, T[] activationState, bool withState)
        where T : class
    {
        yield return weights;
        if (withState) foreach (var s in weightState) yield return s;
        yield return bias;
        if (withState) foreach (var s in biasState) yield return s;
        if (activation is null) yield break;
        yield return activation;
        if (withState) foreach (var s in activationState) yield return s;
    }

    /// <summary>The arrays of a host layer in exchange order.</summary>
    public static IEnumerable<float[]> Of(SparseLayer layer, bool withState) =>
        Of(layer.Weights, layer.WeightState, layer.Bias, layer.BiasState, layer.ActivationParameters, layer.ActivationState, withState);

    /// <summary>FNV-1a over <paramref name="values"/>, continuing from <paramref name="hash"/> (start with <see cref="HashStart"/>).</summary>
    public static ulong Hash(ulong hash, ReadOnlySpan<int> values)
    {
        foreach (int v in values)
        {
            hash ^= (uint)v;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>FNV-1a's offset basis.</summary>
    public const ulong HashStart = 14695981039346656037UL;

    /// <summary>Copies <paramref name="arrays"/> one after another into <paramref name="into"/>.</summary>
    public static void Read(IEnumerable<float[]> arrays, Span<float> into)
    {
        int at = 0;
        foreach (var a in arrays)
        {
            a.CopyTo(into[at..]);
            at += a.Length;
        }
        if (at != into.Length) throw new ArgumentException($"parameter buffer of {into.Length} floats for {at} values");
    }

    /// <summary>Fills <paramref name="arrays"/> one after another from <paramref name="from"/>.</summary>
    public static void Write(IEnumerable<float[]> arrays, ReadOnlySpan<float> from)
    {
        int at = 0;
        foreach (var a in arrays)
        {
            from.Slice(at, a.Length).CopyTo(a);
            at += a.Length;
        }
        if (at != from.Length) throw new ArgumentException($"parameter buffer of {from.Length} floats for {at} values");
    }
}
