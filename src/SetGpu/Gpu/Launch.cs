using ILGPU;
using ILGPU.Runtime;

namespace SetGpu.Gpu;

/// <summary>
/// Launch shapes for SetGpu's grid-stride kernels. Every kernel loops <c>for (i = Grid.GlobalLinearIndex; i &lt; n;
/// i += Grid.DimX * Group.DimX)</c> (stride hoisted), so any grid covers any n. On a GPU the grid fills the device
/// (a few groups per multiprocessor, capped by the work); on ILGPU's CPU accelerator one group per
/// multiprocessor, so that each emulated thread gets a large contiguous share of the work: more groups run one
/// after another behind a barrier and only add overhead.
/// </summary>
internal static class Launch
{
    /// <summary>The grid and group for a kernel over <paramref name="items"/> work items.</summary>
    public static KernelConfig For(Accelerator accelerator, long items)
    {
        int group = accelerator.AcceleratorType == AcceleratorType.CPU
            ? accelerator.MaxNumThreadsPerGroup
            : Math.Min(256, accelerator.MaxNumThreadsPerGroup);
        if (accelerator.AcceleratorType == AcceleratorType.CPU)
            return new KernelConfig(accelerator.NumMultiprocessors, group);
        long wanted = (Math.Max(items, 1) + group - 1) / group;
        int grid = (int)Math.Clamp(wanted, 1, (long)accelerator.NumMultiprocessors * 8);
        return new KernelConfig(grid, group);
    }
}
