using SetGpu.Bench;
using SetGpu.Bench.Kernels;
using SetGpu.Model;

namespace SetGpu.GpuBundle;

/// <summary>
/// The <c>predictions</c> command: the bandwidth model's time on an H200 for every row of the full run, as markdown
/// (docs/gpu.md holds its output, to set the first GPU run against). The kernel rows' bytes are the ones the
/// benchmark's device cases state (samples/SetGpu.Bench/Kernels); the training rows' are <see cref="EpochPrediction"/>'s.
/// </summary>
internal static class PredictionTables
{
    public static void Print(double bandwidth)
    {
        Console.WriteLine($"Kernel rows: the layer of an N-N-N network, ε = 20, batch {KernelRows.Batch}, ζ = 0.3; time = model bytes at {bandwidth / 1e12:F1} TB/s.");
        Console.WriteLine();
        Console.WriteLine("| family | variant | " + string.Join(" | ", Sections.KernelSection.Widths.Select(w => $"{w:N0}: MB | {w:N0}: µs")) + " |");
        Console.WriteLine("|---|---|" + string.Concat(Sections.KernelSection.Widths.Select(_ => "---:|---:|")));
        var columns = Sections.KernelSection.Widths.Select(KernelBytes).ToArray();
        foreach (var (family, variant) in columns[0].Keys)
            Console.WriteLine($"| {family} | {variant} | " + string.Join(" | ", columns.Select(c => $"{c[(family, variant)] / 1e6:N1} | {c[(family, variant)] / bandwidth * 1e6:N1}")) + " |");

        Console.WriteLine();
        Console.WriteLine($"Training rows: per epoch at {bandwidth / 1e12:F1} TB/s; launch floor: the steps' kernel launches at {EpochPrediction.SecondsPerLaunch * 1e6:F0} µs each.");
        Console.WriteLine();
        Console.WriteLine("| row | connections | steps per epoch | MB per step | train (ms) | evolution (ms) | train + evolution (ms) | launches per epoch | launch floor (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, spec, samples) in TrainingRows())
        {
            var p = EpochPrediction.For(spec, samples);
            Console.WriteLine($"| {name} | {p.Connections:N0} | {p.Steps:N0} | {p.StepBytes / 1e6:N1} | {p.TrainSeconds(bandwidth) * 1e3:0.###} | " +
                              $"{p.EvolutionSeconds(bandwidth) * 1e3:0.###} | {(p.TrainSeconds(bandwidth) + p.EvolutionSeconds(bandwidth)) * 1e3:0.###} | " +
                              $"{p.Launches:N0} | {p.LaunchFloorSeconds * 1e3:0.##} |");
        }
    }

    /// <summary>The training rows of the full run: the lung rows and 10 M neurons (135 training samples, batch 2),
    /// MNIST (60,000, batch 128) and COIL20 (960, batch 2).</summary>
    static IEnumerable<(string Name, SetMlpSpec Spec, int Samples)> TrainingRows()
    {
        foreach (int n in Sections.ScalingSection.Widths.Append(Sections.ScalingSection.TenMillion))
            yield return ($"lung, {n:N0} per layer", ScalingRow.ReferenceSettings(n, Sections.ScalingSection.Batch, 1), 135);
        yield return ("MNIST, batch 128", new SetMlpSpec { LayerSizes = [784, 1000, 1000, 1000, 10], Epsilon = 20, BatchSize = 128 }, 60_000);
        yield return ("COIL20 reference, batch 2", new SetMlpSpec { LayerSizes = [1024, 1000, 1000, 1000, 20], Epsilon = 20, BatchSize = 2 }, 960);
    }

    /// <summary>The bytes each family's device cases state at width <paramref name="n"/>.</summary>
    static Dictionary<(string, string), long> KernelBytes(int n)
    {
        long nnz = new SetMlpSpec { LayerSizes = [n, n, n], Epsilon = 20 }.InitialConnections(1);
        int batch = KernelRows.Batch, stride = new KernelProblem(n, 20, batch, 0.3).Stride;
        const double zeta = 0.3;
        return new()
        {
            [("spmm-forward", "gather")] = BandwidthModel.SpmmForwardGather(n, n, nnz, batch),
            [("spmm-backward", "gather")] = BandwidthModel.SpmmBackward(n, n, nnz, batch),
            [("sddmm-update", "rows")] = BandwidthModel.SddmmUpdate(n, n, nnz, batch),
            [("bias-update", "units")] = BandwidthModel.BiasUpdate(n, batch),
            [("prune", "radix")] = BandwidthModel.Prune(n, nnz),
            [("regrowth", "sparse")] = BandwidthModel.Regrowth(nnz, zeta),
            [("csr-rebuild", "merge+index")] = BandwidthModel.CsrRebuild(n, n, nnz, zeta),
            [("scan", "int")] = BandwidthModel.Scan(nnz, sizeof(int)),
            [("scan", "long")] = BandwidthModel.Scan(nnz, sizeof(long)),
            [("evolution", "step")] = BandwidthModel.Evolution(nnz, zeta),
            [("rbm-gather", "hidden")] = BandwidthModel.RbmGather(n, n, nnz, stride),
            [("rbm-gather", "visible")] = BandwidthModel.RbmGather(n, n, nnz, stride),
            [("cd-update", "weights")] = BandwidthModel.CdUpdate(n, n, nnz, stride),
            [("cd-update", "biases")] = BandwidthModel.CdBiases(n, n, stride),
        };
    }
}
