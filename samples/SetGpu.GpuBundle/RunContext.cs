using SetGpu.GpuBundle.Reporting;

namespace SetGpu.GpuBundle;

/// <summary>What the sections of one run share: its options, the device rows' engine, what earlier sections measured.</summary>
internal sealed class RunContext
{
    public required bool Quick { get; init; }
    /// <summary>The engine of the device rows where no CUDA device is found (--engine-fallback), or null.</summary>
    public required string? Fallback { get; init; }
    /// <summary>COIL20.mat and mnist/ (the bundle's data folder).</summary>
    public required string DataDir { get; init; }
    /// <summary>Where the children write their results (not the report folder: it comes back from the GPU machine
    /// with at most 8 files).</summary>
    public required string WorkDir { get; init; }
    public required Report Report { get; init; }

    /// <summary>The engine of the device rows: cuda, or the fallback where ILGPU finds no CUDA device.</summary>
    public string DeviceEngine { get; set; } = "cuda";
    /// <summary>The device's copy bandwidth in bytes per second (read plus written), once the bandwidth section has run.</summary>
    public double? DeviceBandwidth { get; set; }
    /// <summary>The host's copy bandwidth, likewise.</summary>
    public double? HostBandwidth { get; set; }
    /// <summary>
    /// What the budgets are multiplied by: 1 on a GPU machine; <see cref="FallbackBudgetFactor"/> where the device rows
    /// run on the fallback, the host's cores, for which the budgets were not made.
    /// </summary>
    public double BudgetFactor { get; set; } = 1;
    public const double FallbackBudgetFactor = 3;
    /// <summary>The machine's own ptxas (on the PATH, or in CUDA's default folder), or null.</summary>
    public string? Ptxas { get; set; }

    /// <summary>What every child gets: the tests' data folder.</summary>
    public Dictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["SETGPU_SHARED_DATA"] = DataDir };
        foreach (var (name, value) in more) environment[name] = value;
        return environment;
    }

    /// <summary>
    /// Runs one part of a section in a child process, stopped past <paramref name="budgetSeconds"/>; prints what runs.
    /// </summary>
    public ChildOutcome Child(string what, double budgetSeconds, IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        Console.WriteLine($"  {what} (budget {budgetSeconds:F0} s)");
        var outcome = ChildRun.Run(arguments, TimeSpan.FromSeconds(budgetSeconds), environment ?? Environment());
        Console.WriteLine($"  {what}: {(outcome.Succeeded ? "done" : outcome.Why)} in {outcome.Seconds:F1} s");
        return outcome;
    }

    /// <summary>A fresh path in the work folder for a child's result.</summary>
    public string ResultPath(string name) => Path.Combine(WorkDir, name);

}
