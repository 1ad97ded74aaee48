using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using SetGpu.Gpu;
using SetGpu.Gpu.Kernels;

using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Gpu;

/// <summary>
/// Every kernel of SetGpu (each public static method of the classes in namespace SetGpu.Gpu.Kernels) compiles for
/// CUDA (PTX for sm_70 and sm_90) and for OpenCL C 2.0 with no device present, and the generated OpenCL C passes
/// clang-14's OpenCL 2.0 front end (where clang-14 is missing that test skips after generating the code, and fails
/// instead under SETGPU_REQUIRE=clang). Generic kernels are compiled as the devices load them.
/// </summary>
[Trait(Lane.Category, Lane.Slow)]
public class KernelCompilationTests
{
    public static TheoryData<string> KernelNames()
    {
        var data = new TheoryData<string>();
        foreach (var method in Kernels()) data.Add($"{method.DeclaringType!.Name}.{method.Name}");
        return data;
    }

    static IEnumerable<MethodInfo> Kernels() => typeof(IlgpuEngine).Assembly.GetTypes()
        .Where(t => t.Namespace == "SetGpu.Gpu.Kernels" && t.IsAbstract && t.IsSealed) // static classes
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.ReturnType == typeof(void))
        .OrderBy(m => m.DeclaringType!.Name).ThenBy(m => m.Name);

    /// <summary>
    /// The kernel as a device backend compiles it: generic kernels (over <see cref="IDeviceArray{T}"/>) with their
    /// view instantiation, the one CUDA and OpenCL load; the pointer one is for ILGPU's CPU accelerator only.
    /// </summary>
    static MethodInfo Find(string name)
    {
        var method = Kernels().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == name);
        if (!method.IsGenericMethodDefinition) return method;
        var arguments = method.GetGenericArguments().Select(parameter =>
        {
            var array = parameter.GetGenericParameterConstraints()
                .Single(c => c.IsGenericType && c.GetGenericTypeDefinition() == typeof(IDeviceArray<>));
            return typeof(ViewArray<>).MakeGenericType(array.GetGenericArguments()[0]);
        }).ToArray();
        return method.MakeGenericMethod(arguments);
    }

    [Fact]
    public void There_are_kernels_to_compile() => Assert.True(Kernels().Count() >= 6);

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_ptx_for_sm70_and_sm90(string kernel)
    {
        using var context = IlgpuDevices.CreateContext();
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(Find(kernel));
        foreach (var (arch, isa) in new[] { (CudaArchitecture.SM_70, CudaInstructionSet.ISA_60), (CudaArchitecture.SM_90, CudaInstructionSet.ISA_78) })
        {
            using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, isa, nvvmAPI: null);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            Assert.Contains(".entry", compiled.PTXAssembly);
            Assert.Contains($".target sm_{(arch == CudaArchitecture.SM_70 ? 70 : 80)}", compiled.PTXAssembly); // ILGPU caps the target at sm_80
        }
    }

    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void Compiles_to_opencl_c_2_0_and_clang_accepts_it(string kernel)
    {
        using var context = IlgpuDevices.CreateContext();
        var capabilities = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var compiled = (CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(Find(kernel)), KernelSpecialization.Empty);
        Assert.Contains("kernel", compiled.Source);

        string clang = Requirement.Clang.Require();
        string file = Path.Combine(Path.GetTempPath(), $"setgpu-{kernel}-{Environment.ProcessId}.cl");
        File.WriteAllText(file, compiled.Source);
        try
        {
            var (code, errors) = Programs.Run(clang, "-x", "cl", "-cl-std=CL2.0", "-fsyntax-only", file);
            Assert.True(code == 0, $"clang-14 rejected the OpenCL C of {kernel}:\n{errors}");
        }
        finally { if (Environment.GetEnvironmentVariable("SETGPU_KEEP_CL") != "1") File.Delete(file); }
    }
}
