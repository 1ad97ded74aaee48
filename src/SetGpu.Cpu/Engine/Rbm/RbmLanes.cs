namespace SetGpu.Cpu.Rbm;

/// <summary>
/// The parity contract of the RBM engines: the lane layout of a batch and the order in which lanes and connections
/// are summed, fixed here once. The CPU engine computes in this order on any host (with AVX or without), and every
/// ILGPU backend reproduces it, so neither side decides a layout or an order from the host's instruction set or
/// <c>Vector&lt;float&gt;.Count</c>.
/// <list type="bullet">
/// <item><b>Blocks</b>: unit × <see cref="Stride"/> lanes, the batch rounded up to whole groups of <see cref="Width"/>
/// lanes, zeros in the padding lanes.</item>
/// <item><b>Gathers</b> (z = bias + Σ w·x over a row's entries, as fused multiply-adds): lane b sums into
/// <see cref="GatherChains"/> interleaved chains; entry t of a row of n goes to chain t mod chains, except the last
/// n mod chains entries, which go to chain 0; the bias starts chain 0, and z = (c0 + c1) + (c2 + c3).</item>
/// <item><b>Lane sums</b> (a gradient or an error over the batch): one running sum per lane of a group, the groups
/// added in order, then the 8 lane sums by <see cref="Sum"/>.</item>
/// <item><b>CD weight step</b>: for strides of one or two groups (<see cref="FoldsRate"/>) a connection's lane products
/// of both groups are added lane by lane, summed by <see cref="Sum"/> and scaled by (η·(1/B)); longer strides scale
/// their lane sum by 1/B, then by η.</item>
/// </list>
/// </summary>
internal static class RbmLanes
{
    /// <summary>Lanes per group: the batch is padded to a multiple of this, and lane sums run over groups of it.</summary>
    public const int Width = 8;

    /// <summary>Lanes per unit for a batch: the batch rounded up to whole groups.</summary>
    public static int Stride(int batch) => (batch + Width - 1) / Width * Width;

    /// <summary>
    /// How many interleaved chains a gather sums lane <paramref name="lane"/> of a <paramref name="stride"/>-lane row
    /// into: 1 in the tiles of 4 groups, 2 in a following tile of 2 groups, 4 in a last single group.
    /// </summary>
    public static int GatherChains(int lane, int stride)
    {
        int four = stride / (4 * Width) * (4 * Width);
        if (lane < four) return 1;
        return four + 2 * Width <= stride && lane < four + 2 * Width ? 2 : 4;
    }

    /// <summary>The sum of a group's 8 lane values, as a pairwise tree: ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)).</summary>
    public static float Sum(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) =>
        ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));

    /// <summary>Whether the CD weight step of a <paramref name="stride"/>-lane block scales its lane sum by η/B at once.</summary>
    public static bool FoldsRate(int stride) => stride <= 2 * Width;
}
