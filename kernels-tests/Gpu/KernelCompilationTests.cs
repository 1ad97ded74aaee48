using ILGPU.Runtime.Cuda;
using SetGpu.Gpu;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// Every kernel of SetGpu (<see cref="KernelCatalog"/>: each public static method of the classes in namespace
/// SetGpu.Gpu.Kernels) compiles for CUDA (PTX for sm_70 and sm_90) and for OpenCL C 2.0 with no device present, and the
/// generated OpenCL C passes clang-14's OpenCL 2.0 front end (where clang-14 is missing that test skips after generating
/// the code, and fails instead under SETGPU_REQUIRE=clang). Generic kernels are compiled as the devices load them.
/// NVIDIA's own assembler checks the PTX in <see cref="PtxasTests"/>.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public class KernelCompilationTests
{
    public static TheoryData<string> KernelNames() => new(KernelCatalog.All.Select(KernelCatalog.Name));

    [Fact]
    public void There_are_kernels_to_compile() => Assert.True(KernelCatalog.All.Count >= 30, $"{KernelCatalog.All.Count} kernels");

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_ptx_for_sm70_and_sm90(string kernel)
    {
        using var context = IlgpuDevices.CreateContext();
        foreach (var architecture in new[] { CudaArchitecture.SM_70, CudaArchitecture.SM_90 })
        {
            string ptx = KernelCatalog.Ptx(context, KernelCatalog.Find(kernel), architecture);
            Assert.Contains(".entry", ptx);
            Assert.Contains($".target sm_{(architecture == CudaArchitecture.SM_70 ? 70 : 80)}", ptx); // ILGPU caps the target at sm_80
        }
    }

    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_opencl_c_2_0_and_clang_accepts_it(string kernel)
    {
        using var context = IlgpuDevices.CreateContext();
        string source = KernelCatalog.OpenClC(context, KernelCatalog.Find(kernel));
        Assert.Contains("kernel", source);

        string clang = Requirement.Clang.Require();
        string file = Path.Combine(Path.GetTempPath(), $"setgpu-{kernel}-{Environment.ProcessId}.cl");
        File.WriteAllText(file, source);
        try
        {
            var (code, errors) = Programs.Run(clang, "-x", "cl", "-cl-std=CL2.0", "-fsyntax-only", file);
            Assert.True(code == 0, $"clang-14 rejected the OpenCL C of {kernel}:\n{errors}");
        }
        finally { if (Environment.GetEnvironmentVariable("SETGPU_KEEP_CL") != "1") File.Delete(file); }
    }
}
