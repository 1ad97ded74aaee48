namespace SetGpu.Gpu.Kernels;

/// <summary>
/// Four consecutive lanes (samples) of a feature-major block, read and written as one 16-byte access: a vector
/// load/store on a GPU (the widest coalesced access), and one access instead of four in the loops PoCL vectorises.
/// </summary>
internal struct Quad
{
    public float X, Y, Z, W;

    public Quad(float all) { X = all; Y = all; Z = all; W = all; }

    /// <summary>this + w·v, lane by lane.</summary>
    public readonly Quad AddScaled(float w, Quad v) =>
        new() { X = X + w * v.X, Y = Y + w * v.Y, Z = Z + w * v.Z, W = W + w * v.W };

    /// <summary>this + other, lane by lane.</summary>
    public readonly Quad Plus(Quad other) => new() { X = X + other.X, Y = Y + other.Y, Z = Z + other.Z, W = W + other.W };

    /// <summary>Lane c (0–3).</summary>
    public readonly float Lane(int c) => c == 0 ? X : c == 1 ? Y : c == 2 ? Z : W;

    /// <summary>Sets lane c (0–3).</summary>
    public void SetLane(int c, float value)
    {
        if (c == 0) X = value;
        else if (c == 1) Y = value;
        else if (c == 2) Z = value;
        else W = value;
    }
}
