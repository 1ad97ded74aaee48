using SetGpu.Data;

namespace SetGpu.KernelsTests.Dae;

/// <summary>Small data for the autoencoder's tests: values in [0, 1] with structure an autoencoder can learn.</summary>
internal static class DaeData
{
    /// <summary>
    /// <paramref name="samples"/> samples of <paramref name="features"/> values in [0, 1]: each sample mixes two of four
    /// fixed prototypes, plus a little uniform noise; the label is the first prototype.
    /// </summary>
    public static Dataset Prototypes(int samples = 200, int features = 30, int seed = 1)
    {
        var rng = new System.Random(seed);
        var prototypes = new float[4, features];
        for (int p = 0; p < 4; p++)
            for (int f = 0; f < features; f++) prototypes[p, f] = rng.NextSingle();
        var x = new float[samples * features];
        var y = new int[samples];
        for (int s = 0; s < samples; s++)
        {
            int a = rng.Next(4), b = rng.Next(4);
            float mix = rng.NextSingle();
            y[s] = a;
            for (int f = 0; f < features; f++)
                x[s * features + f] = Math.Clamp(mix * prototypes[a, f] + (1 - mix) * prototypes[b, f] + 0.05f * (rng.NextSingle() - 0.5f), 0f, 1f);
        }
        return new Dataset("prototypes", x, y, features, 4);
    }
}
