namespace SetGpu.Cpu.Rbm;

/// <summary>
/// Persistent CD's chains between the host's layout (slot-major: slot · hidden + j, as <see cref="SetGpu.Rbm.SparseRbm"/> keeps
/// them) and an engine's unit-major lanes (j · stride + slot, padding lanes zero).
/// </summary>
public static class RbmChains
{
    /// <summary>Host chains as unit-major lanes.</summary>
    public static float[] ToLanes(float[] chains, int hidden, int slots, int stride)
    {
        var lanes = new float[(long)hidden * stride];
        for (int s = 0; s < slots; s++)
            for (int j = 0; j < hidden; j++) lanes[(long)j * stride + s] = chains[(long)s * hidden + j];
        return lanes;
    }

    /// <summary>Unit-major lanes as host chains.</summary>
    public static float[] FromLanes(float[] lanes, int hidden, int slots, int stride)
    {
        var chains = new float[(long)slots * hidden];
        for (int s = 0; s < slots; s++)
            for (int j = 0; j < hidden; j++) chains[(long)s * hidden + j] = lanes[(long)j * stride + s];
        return chains;
    }
}
