using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using SetGpu.Gpu.Kernels;

namespace SetGpu.Gpu;

/// <summary>
/// Every device kernel of SetGpu — each public static void method of a static class in namespace
/// <c>SetGpu.Gpu.Kernels</c> — and its code as a device backend compiles it, without a device: PTX for a CUDA
/// architecture, OpenCL C 2.0. What the compile tests, the ptxas check and the GPU bundle go through, so a new kernel is
/// checked by being in that namespace.
/// </summary>
internal static class KernelCatalog
{
    /// <summary>The kernels, by declaring class and name.</summary>
    public static IReadOnlyList<MethodInfo> All { get; } = typeof(KernelCatalog).Assembly.GetTypes()
        .Where(t => t.Namespace == "SetGpu.Gpu.Kernels" && t.IsAbstract && t.IsSealed) // static classes
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.ReturnType == typeof(void))
        .OrderBy(m => m.DeclaringType!.Name).ThenBy(m => m.Name)
        .ToArray();

    /// <summary>A kernel's name: <c>Class.Method</c>.</summary>
    public static string Name(MethodInfo kernel) => $"{kernel.DeclaringType!.Name}.{kernel.Name}";

    /// <summary>The kernel named <c>Class.Method</c>, as devices load it (see <see cref="AsDevicesLoadIt"/>).</summary>
    public static MethodInfo Find(string name) =>
        AsDevicesLoadIt(All.SingleOrDefault(m => Name(m) == name) ?? throw new ArgumentException($"no kernel named {name}"));

    /// <summary>
    /// Generic kernels (over <see cref="IDeviceArray{T}"/>) with their view instantiation, the one CUDA and OpenCL load;
    /// the pointer instantiation is for ILGPU's CPU accelerator only.
    /// </summary>
    public static MethodInfo AsDevicesLoadIt(MethodInfo kernel)
    {
        if (!kernel.IsGenericMethodDefinition) return kernel;
        var arguments = kernel.GetGenericArguments().Select(parameter =>
        {
            var array = parameter.GetGenericParameterConstraints()
                .Single(c => c.IsGenericType && c.GetGenericTypeDefinition() == typeof(IDeviceArray<>));
            return typeof(ViewArray<>).MakeGenericType(array.GetGenericArguments()[0]);
        }).ToArray();
        return kernel.MakeGenericMethod(arguments);
    }

    /// <summary>
    /// The PTX of a kernel for <paramref name="architecture"/> (ILGPU 1.5 targets at most sm_80; ptxas assembles that
    /// PTX for newer architectures).
    /// </summary>
    public static string Ptx(Context context, MethodInfo kernel, CudaArchitecture architecture)
    {
        var isa = architecture.Major >= 8 ? CudaInstructionSet.ISA_78 : CudaInstructionSet.ISA_60;
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, isa, nvvmAPI: null);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(AsDevicesLoadIt(kernel));
        return ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
    }

    /// <summary>The OpenCL C 2.0 of a kernel, for a device with generic address space, 64-bit floats and atomics.</summary>
    public static string OpenClC(Context context, MethodInfo kernel)
    {
        var capabilities = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: true, subGroups: false);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(AsDevicesLoadIt(kernel));
        return ((CLCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).Source;
    }
}
