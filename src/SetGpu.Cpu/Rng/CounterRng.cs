using System.Runtime.CompilerServices;
namespace SetGpu.Rng;

/// <summary>The independent random streams of a training run; each is keyed separately so that one never shifts another.</summary>
public enum RngStream : byte
{
    /// <summary>Erdős–Rényi positions of the initial topology.</summary>
    InitialTopology = 1,
    /// <summary>Values of the initial weights.</summary>
    InitialWeights = 2,
    /// <summary>Positions regrown by an evolution step.</summary>
    Regrowth = 3,
    /// <summary>Values of regrown weights.</summary>
    RegrowthWeights = 4,
    /// <summary>Dropout masks.</summary>
    Dropout = 5,
    /// <summary>Order of the training samples in an epoch.</summary>
    Shuffle = 6,
    /// <summary>RBM hidden states sampled while training (layer field: the Gibbs step, 0 for the data phase).</summary>
    RbmHidden = 7,
    /// <summary>RBM visible states sampled while training (layer field: the Gibbs step).</summary>
    RbmVisible = 8,
    /// <summary>RBM hidden states sampled by an evaluation (layer field: which data set).</summary>
    RbmEvaluation = 9,
    /// <summary>Annealed importance sampling chains of an RBM (layer field: 0 hidden, 1 visible, 2 initial).</summary>
    RbmAis = 10,
    /// <summary>Initial values of learned activation parameters (SReLU's slopes and thresholds).</summary>
    ActivationParameters = 11,
    /// <summary>Masking noise on the inputs of a denoising autoencoder (or any network with input noise).</summary>
    InputNoise = 12,
    /// <summary>The order among equally important neurons in WAST's importance-guided growth (counter: the step).</summary>
    WastTies = 13,
}

/// <summary>
/// A counter-based random generator: every number is a pure function of (key, counter), so any thread of any
/// backend can draw the k-th number of a stream directly, and the CPU engine and the ILGPU kernels draw the
/// same numbers. Only 64-bit integer arithmetic, so the same code compiles inside kernels.
/// </summary>
public static class CounterRng
{
    /// <summary>SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z ^= z >> 30;
        z *= 0xBF58476D1CE4E5B9UL;
        z ^= z >> 27;
        z *= 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return z;
    }

    /// <summary>The key of one stream: (seed, stream, layer, epoch or step) folded into 64 bits.</summary>
    public static ulong Key(ulong seed, RngStream stream, int layer, long epochOrStep) =>
        Mix(Mix(seed + 0x9E3779B97F4A7C15UL) ^ ((ulong)stream << 56) ^ ((ulong)(ushort)layer << 40)
            ^ ((ulong)epochOrStep & 0xFF_FFFF_FFFFUL)); // 16 bits of layer, 40 of epoch or step

    /// <summary>The counter-th 64-bit number of the stream with this key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong key, ulong counter) => Mix(key ^ Mix(counter * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL));

    /// <summary>A float uniform in [0, 1) from the top 24 bits (exactly representable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float UniformFloat(ulong hash) => (hash >> 40) * (1.0f / 16777216.0f);

    /// <summary>An integer uniform in [0, n) by multiply-high (Lemire's reduction; bias below 2^-64·n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UniformBelow(ulong hash, long n) => (long)MulHigh(hash, (ulong)n);

    /// <summary>The high 64 bits of a 64×64-bit product, from 32-bit halves so that every backend computes it alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulHigh(ulong a, ulong b)
    {
        ulong aLo = a & 0xFFFFFFFFUL, aHi = a >> 32;
        ulong bLo = b & 0xFFFFFFFFUL, bHi = b >> 32;
        ulong loLo = aLo * bLo, loHi = aLo * bHi, hiLo = aHi * bLo, hiHi = aHi * bHi;
        ulong cross = (loLo >> 32) + (loHi & 0xFFFFFFFFUL) + hiLo;
        return hiHi + (loHi >> 32) + (cross >> 32);
    }
}
