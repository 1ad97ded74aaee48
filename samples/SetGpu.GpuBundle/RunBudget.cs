using SetGpu.GpuBundle.Reporting;
using SetGpu.GpuBundle.Sections;

namespace SetGpu.GpuBundle;

/// <summary>A section of the run and its budgets in seconds (0: not part of that mode).</summary>
internal sealed record PlannedSection(string Id, string Title, double FullSeconds, double QuickSeconds, Action<RunContext, SectionResult> Run);

/// <summary>
/// The run's plan and its budget on one H100/H200-class GPU with 16 host cores: at most 8 minutes in all (the device
/// tool stops a command at 10), about 3 with --quick. Each part is stopped at its budget. The numbers and how they
/// were reached are in docs/gpu.md ("The GPU bundle"): the device's parts from the bandwidth model and the launch
/// floor, the host's parts (creating networks, the CPU engine's rows, the tests' references) from the same runs on
/// the project's 2-core machine, divided by 4 for 16 cores.
/// </summary>
internal static class RunBudget
{
    // Seconds per part (docs/gpu.md gives each part's expected time beside its budget). The full run's budgets add up to
    // 460 s, --quick's to 155 s; the run script's unpacking takes a few seconds more.
    const double Machine = 15, Tests = 60, Ptxas = 20, Bandwidth = 10, Kernels = 50;
    const double ScalingDevice = 30, ScalingCpu = 50, QuickScalingDevice = 15, QuickScalingCpu = 10;
    const double TenMillionDevice = 40, TenMillionCpu = 130;
    const double MnistDevice = 15, MnistCpu = 15;
    const double Coil20Device = 15, Coil20Cpu = 10;

    public static IReadOnlyList<PlannedSection> Plan(bool quick) =>
    [
        new("machine", "Machine", Machine, Machine, MachineSection.Run),
        new("tests", "Tests on the device", Tests, Tests, TestSections.Backend),
        new("ptxas", "PTX through the machine's ptxas", Ptxas, Ptxas, TestSections.Ptxas),
        new("bandwidth", "Copy bandwidth", Bandwidth, Bandwidth, BandwidthSection.Run),
        new("kernels", "Kernel families at 30,000, 300,000 and 2,500,000 neurons per layer", Kernels, 0, KernelSection.Run),
        new("scaling", "Scaling rows: lung-reference-style data, batch 2", ScalingDevice + ScalingCpu, QuickScalingDevice + QuickScalingCpu,
            (run, section) => ScalingSection.Run(run, section, quick ? [ScalingSection.QuickWidth] : ScalingSection.Widths,
            [
                new(run.DeviceEngine, 3, quick ? QuickScalingDevice : ScalingDevice),
                new("cpu", 3, quick ? QuickScalingCpu : ScalingCpu),
            ])),
        new("network-10m", "10 million neurons: 3312-3,333,333×3-5", TenMillionDevice + TenMillionCpu, 0,
            (run, section) => ScalingSection.Run(run, section, [ScalingSection.TenMillion],
                                                 [new(run.DeviceEngine, 2, TenMillionDevice), new("cpu", 1, TenMillionCpu)])),
        new("mnist", "MNIST 784-1000-1000-1000-10, batch 128", MnistDevice + MnistCpu, 0,
            (run, section) => TrainingSection.Run(run, section, "MNIST", TrainingSection.Mnist,
                                                  [new(run.DeviceEngine, MnistDevice), new("cpu", MnistCpu)], cpuTarget: null)),
        new("coil20", "COIL20 reference run", Coil20Device + Coil20Cpu, Coil20Device + Coil20Cpu,
            (run, section) => TrainingSection.Run(run, section, "COIL20", TrainingSection.Coil20,
                                                  [new(run.DeviceEngine, Coil20Device), new("cpu", Coil20Cpu)], cpuTarget: 0.98)),
    ];
}
