namespace SetGpu.Training;

/// <summary>One kernel of an engine, as the micro-benchmarks time it.</summary>
internal enum ProbeKernel
{
    /// <summary>The forward pass of a layer.</summary>
    Forward,
    /// <summary>δ of the layer's inputs (the CPU engine fuses the weight update into the same sweep).</summary>
    Backward,
    /// <summary>The weight gradient at existing connections (SDDMM) fused with the optimiser step.</summary>
    WeightUpdate,
    /// <summary>SET's evolution step on the layer.</summary>
    Evolution,
}

/// <summary>
/// Runs single kernels of an engine on one layer, with the training batch's buffers filled with random values
/// (no zeros, so nothing is skipped), and waits for them: what the micro-benchmarks time. Not part of the public API.
/// </summary>
internal interface IKernelProbe
{
    void RunKernel(ProbeKernel kernel, int layer);
}

/// <summary>The values a probe fills its blocks with: ±0.5 with a little noise, never zero (nothing is skipped).</summary>
internal static class ProbeValues
{
    public static float Next(Random rng) => (float)(rng.NextDouble() * 2 - 1) * 0.01f + (rng.Next(2) == 0 ? 0.5f : -0.5f);
}
