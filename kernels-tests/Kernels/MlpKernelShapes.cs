namespace SetGpu.KernelsTests.Kernels;

/// <summary>
/// The layer shapes and batches every MLP kernel family is checked on, and the tolerance against the double-precision
/// dense references: 1e-5 relative (float32 sums of at most a few hundred terms of magnitude ≤ 1).
/// </summary>
internal static class MlpKernelShapes
{
    public const double Tolerance = 1e-5;

    public static TheoryData<int, int, double, int> Shapes => new()
    {
        { 7, 5, 0.4, 1 },      // batch 1
        { 64, 48, 0.1, 2 },    // the reference's batch size
        { 33, 70, 0.25, 3 },   // odd batch: the CPU's scalar tail, a padded quad on the device
        { 100, 80, 0.05, 17 }, // one vector plus a tail; an odd number of quads
        { 50, 40, 1.0, 32 },   // a dense layer
        { 300, 200, 0.02, 128 },
        { 3000, 5, 0.1, 2 },   // an output layer behind a wide one: the device splits its gather (ForwardSegments)
        { 2000, 10, 0.15, 32 }, // the same with pairs of quads
    };
}
