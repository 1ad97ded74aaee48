using SetGpu.Gpu;

namespace SetGpu.KernelsTests.Support;

/// <summary>
/// Something tests need from the machine, a device or a program, and the one rule for all of them: where it is missing,
/// a test that needs it is skipped with the reason; where <c>SETGPU_REQUIRE</c> (a comma-separated list of names, such
/// as <c>opencl,cuda,scipy,chromium,clang</c>) names it, the test fails with the reason instead. Each is looked for
/// once per test run.
/// </summary>
public sealed class Requirement
{
    /// <summary>The variable that lists what must be present.</summary>
    public const string Variable = "SETGPU_REQUIRE";

    readonly Lazy<(string? Found, string? Missing)> _probe;

    Requirement(string name, string description, Func<(string? Found, string? Missing)> probe)
    {
        Name = name;
        Description = description;
        _probe = new(probe);
    }

    /// <summary>The name <c>SETGPU_REQUIRE</c> gives it.</summary>
    public string Name { get; }

    /// <summary>What it is, in words.</summary>
    public string Description { get; }

    /// <summary>Why it is absent on this machine, or null when it is present.</summary>
    public string? Missing => _probe.Value.Missing;

    /// <summary>
    /// Skips the test with the reason where this is missing, or fails it where <c>SETGPU_REQUIRE</c> names it; returns
    /// what was found (a program's path, or the devices ILGPU found).
    /// </summary>
    public string Require() => Require(Required());

    /// <summary><see cref="Require()"/> with the names <paramref name="required"/> in place of <c>SETGPU_REQUIRE</c>'s.</summary>
    internal string Require(IReadOnlySet<string> required)
    {
        var (found, missing) = _probe.Value;
        if (missing is null) return found!;
        if (required.Contains(Name)) Assert.Fail($"{missing}, but {Variable} names {Name} ({Variable}={string.Join(",", required)})");
        throw new SkipException(missing);
    }

    /// <summary>A requirement found by <paramref name="probe"/>: what it found, or why it is missing.</summary>
    internal static Requirement For(string name, string description, Func<(string? Found, string? Missing)> probe) => new(name, description, probe);

    public override string ToString() => Name;

    /// <summary>An OpenCL 2.0 device with generic address space support (ILGPU's OpenCL backend needs both).</summary>
    public static readonly Requirement OpenCl = new("opencl", "an OpenCL 2.0 device with generic address space support", () =>
    {
        using var context = IlgpuDevices.CreateContext();
        return IlgpuDevices.OpenClDevices(context).Count > 0
            ? (IlgpuDevices.Inventory(context), null)
            : (null, $"no OpenCL 2.0 device with generic address space support on this machine ({IlgpuDevices.Inventory(context)})");
    });

    /// <summary>A CUDA device.</summary>
    public static readonly Requirement Cuda = new("cuda", "a CUDA device", () =>
    {
        using var context = IlgpuDevices.CreateContext();
        return IlgpuDevices.HasCuda(context)
            ? (IlgpuDevices.Inventory(context), null)
            : (null, $"no CUDA device on this machine ({IlgpuDevices.Inventory(context)})");
    });

    /// <summary>Debian's python3-scipy: /usr/bin/python3 that imports scipy.sparse and numpy (the export's reader).</summary>
    public static readonly Requirement Scipy = PythonModule("scipy", "SciPy", "python3-scipy", "import scipy.sparse, numpy");

    /// <summary>Debian's python3-numpy: /usr/bin/python3 that imports numpy (writes the reference .npz and .npy files).</summary>
    public static readonly Requirement Numpy = PythonModule("numpy", "NumPy", "python3-numpy", "import numpy");

    /// <summary>Debian's python3-sklearn: /usr/bin/python3 that imports sklearn.svm and numpy (the reference of the SVM).</summary>
    public static readonly Requirement Sklearn = PythonModule("sklearn", "scikit-learn", "python3-sklearn", "import sklearn.svm, numpy");

    /// <summary>Debian's /usr/bin/python3 that runs <paramref name="imports"/>: the library <paramref name="library"/> of package <paramref name="package"/>.</summary>
    static Requirement PythonModule(string name, string library, string package, string imports) =>
        new(name, $"/usr/bin/python3 with {library} (Debian: {package})", () =>
        {
            const string python = "/usr/bin/python3";
            if (!File.Exists(python)) return (null, $"{python} is missing (Debian: apt-get install {package})");
            return Programs.Run(python, "-c", imports).Code == 0
                ? (python, null)
                : (null, $"{python} has no {library} (Debian: apt-get install {package})");
        });

    /// <summary>Debian's python3-torch: /usr/bin/python3 that imports torch and numpy (the PyTorch peers of SetGpu.Bench peers).</summary>
    public static readonly Requirement Torch = PythonModule("torch", "PyTorch", "python3-torch libopenblas0-pthread", "import torch, numpy");

    /// <summary>Chromium, run headless (it plays the connectivity movie).</summary>
    public static readonly Requirement Chromium = new("chromium", "headless Chromium (Debian: chromium)", () =>
        FirstProgram(["/usr/bin/chromium", "/usr/bin/chromium-browser"], "Chromium is not installed (Debian: apt-get install chromium)"));

    /// <summary>clang-14, whose OpenCL 2.0 front end checks the OpenCL C that ILGPU generates.</summary>
    public static readonly Requirement Clang = new("clang", "clang-14, to check the OpenCL C that ILGPU generates (Debian: clang-14)", () =>
        FirstProgram(["/usr/bin/clang-14", "/usr/local/bin/clang-14"],
                     "clang-14 is not installed: the OpenCL C is generated but no compiler front end checks it (Debian: apt-get install clang-14)"));

    /// <summary>
    /// NVIDIA's PTX assembler: on the PATH, at <c>$SETGPU_PTXAS</c>, or where <c>.ci/ptxas</c> puts it
    /// (<c>$SETGPU_PTXAS_ROOT</c>, default /var/tmp/setgpu-ptxas).
    /// </summary>
    public static readonly Requirement Ptxas = new("ptxas", "NVIDIA's ptxas, to assemble every kernel's PTX (.ci/ptxas fetches it)", () =>
    {
        string root = Environment.GetEnvironmentVariable("SETGPU_PTXAS_ROOT") ?? "/var/tmp/setgpu-ptxas";
        var candidates = new[] { Environment.GetEnvironmentVariable("SETGPU_PTXAS"), Path.Combine(root, "usr", "bin", "ptxas") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(p => Path.Combine(p, "ptxas")))
            .Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToArray();
        return FirstProgram(candidates, "ptxas is not installed here (.ci/ptxas fetches NVIDIA's from Debian's non-free nvidia-cuda-toolkit)");
    });

    /// <summary>An MPICH-family MPI: its launcher <c>mpiexec</c> and the library MPI.NET binds (<c>libmpich.so.12</c>).</summary>
    public static readonly Requirement Mpi = new("mpi", "MPICH's mpiexec and libmpich.so.12 (Debian: mpich)", () =>
    {
        var launcher = FirstProgram(["/usr/bin/mpiexec", "/usr/local/bin/mpiexec"], "mpiexec is not installed (Debian: apt-get install mpich)");
        if (launcher.Missing is not null) return launcher;
        return System.Runtime.InteropServices.NativeLibrary.TryLoad("libmpich.so.12", out _)
            ? launcher : (null, "libmpich.so.12 is not installed: MPI.NET needs an MPICH-family MPI (Debian: apt-get install mpich)");
    });

    /// <summary>Everything <c>SETGPU_REQUIRE</c> may name.</summary>
    public static readonly IReadOnlyList<Requirement> All = [OpenCl, Cuda, Scipy, Numpy, Sklearn, Torch, Chromium, Clang, Ptxas, Mpi];

    /// <summary>The names <c>SETGPU_REQUIRE</c> lists (lower case, blanks ignored).</summary>
    public static IReadOnlySet<string> Required() =>
        (Environment.GetEnvironmentVariable(Variable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name.ToLowerInvariant())
            .ToHashSet();

    static (string? Found, string? Missing) FirstProgram(string[] paths, string missing) =>
        paths.FirstOrDefault(File.Exists) is { } found ? (found, null) : (null, missing);
}
