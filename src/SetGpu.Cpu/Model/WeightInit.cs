using SetGpu.Rng;

namespace SetGpu.Model;

/// <summary>
/// The value of a new connection as a pure function of (stream key, position), so that every engine gives the
/// connection at a given position the same value whatever order it is created in.
/// </summary>
public readonly record struct WeightInit(WeightInitKind Kind, float Scale)
{
    /// <summary>The initialiser of a layer with the given mean number of incoming connections per neuron.</summary>
    public static WeightInit For(WeightInitKind kind, double meanFanIn) => kind switch
    {
        WeightInitKind.HeUniform => new(kind, (float)Math.Sqrt(6.0 / Math.Max(1.0, meanFanIn))),
        WeightInitKind.ReferenceNormal => new(kind, 0.1f),
        WeightInitKind.Zero => Zero,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown weight initialiser"),
    };

    /// <summary>The initialiser of regrown connections under <see cref="RegrowthValues.Zero"/>.</summary>
    public static WeightInit Zero => new(WeightInitKind.Zero, 0f);

    /// <summary>The value at linear position <paramref name="position"/> (row · columns + column).</summary>
    public float Value(ulong key, long position) => Value(Kind, Scale, key, position);

    /// <summary>Static form, usable inside kernels (no instance members of a record needed).</summary>
    public static float Value(WeightInitKind kind, float scale, ulong key, long position)
    {
        if (kind == WeightInitKind.Zero) return 0f;
        ulong h1 = CounterRng.Hash(key, 2 * (ulong)position);
        if (kind == WeightInitKind.HeUniform)
            return (2f * CounterRng.UniformFloat(h1) - 1f) * scale;
        // Box–Muller from two 24-bit uniforms; u1 in (0, 1] keeps the logarithm finite.
        ulong h2 = CounterRng.Hash(key, 2 * (ulong)position + 1);
        float u1 = ((h1 >> 40) + 1) * (1.0f / 16777216.0f);
        float u2 = CounterRng.UniformFloat(h2);
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2) * scale;
    }
}
