using System.Globalization;
using SetGpu.Gpu;
using SetGpu.Model;

namespace SetGpu;

/// <summary>
/// Compares what a network will need (<see cref="NetworkMemory"/> for the CPU engine, the device estimate for ILGPU
/// engines) with the memory of its device before the network is made, and refuses one that does not fit with a
/// <see cref="NetworkTooLargeException"/> naming both numbers and the largest ε and hidden-layer size that fit, rather
/// than letting the kernel kill the process minutes later.
/// </summary>
public static class MemoryCheck
{
    /// <summary>
    /// Throws <see cref="NetworkTooLargeException"/> when a network of <paramref name="spec"/> (valid) needs more than
    /// <paramref name="limit"/> bytes by <paramref name="needs"/>; <paramref name="device"/> and
    /// <paramref name="limitSource"/> name the device and the limit (for example "the CPU engine", "available (MemAvailable)").
    /// </summary>
    public static void Ensure(SetMlpSpec spec, Func<SetMlpSpec, long> needs, long limit, string device, string limitSource)
    {
        long needed = needs(spec);
        if (needed <= limit) return;
        var fits = new List<string>();
        if (spec.Topology != TopologyKind.Dense && LargestEpsilon(spec, needs, limit) is { } epsilon)
            fits.Add($"epsilon {epsilon.ToString("G4", CultureInfo.InvariantCulture)} at these layer sizes");
        if (LargestHidden(spec, needs, limit) is { } hidden)
            fits.Add($"hidden layers of at most {hidden:N0} neurons at epsilon {spec.Epsilon.ToString(CultureInfo.InvariantCulture)}");
        string fit = fits.Count > 0 ? $"; what fits: {string.Join(", or ", fits)}" : "; not even the smallest network fits";
        throw new NetworkTooLargeException(
            $"the network needs about {Bytes(needed)} on {device}, more than the {Bytes(limit)} {limitSource}{fit} " +
            "(--max-memory sets the limit)", needed, limit);
    }

    /// <summary>The CPU engine's check: <see cref="NetworkMemory.ForCpu"/>'s peak against <paramref name="maxMemory"/>,
    /// or the host's available memory when it is null.</summary>
    public static void EnsureCpu(SetMlpSpec spec, long? maxMemory)
    {
        var (limit, source) = maxMemory is { } max ? (max, "given by --max-memory") : HostMemory.Available();
        Ensure(spec, s => NetworkMemory.ForCpu(s).Peak, limit, "the CPU engine", source);
    }

    /// <summary>An ILGPU engine's checks: the device estimate against the accelerator's memory (or
    /// <paramref name="maxMemory"/>), and the host copy's creation against the host's available memory.</summary>
    public static void EnsureDevice(SetMlpSpec spec, IlgpuSession session, long? maxMemory)
    {
        var (limit, source) = maxMemory is { } max ? (max, "given by --max-memory") : (session.MemorySize, "the device has");
        Ensure(spec, s => IlgpuEngine.RequiredBytes(s, InitialConnections(s)), limit, session.Description, source);
        var (host, hostSource) = HostMemory.Available();
        Ensure(spec, s => NetworkMemory.ForCpu(s).CreationPeak, host, "the host (the network is made there first)", hostSource);
    }

    /// <summary>"12.3 GB (12,345,678,901 bytes)".</summary>
    public static string Bytes(long bytes) => $"{bytes / 1e9:F1} GB ({bytes:N0} bytes)";

    /// <summary>
    /// A byte count as the command line takes it: a number of bytes, or one with a suffix K, M, G or T (powers of 1024:
    /// 12G is 12 GiB). Null when the text is not one.
    /// </summary>
    public static long? ParseBytes(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return null;
        int shift = char.ToUpperInvariant(text[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        string number = shift > 0 ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !(value > 0) || value * Math.Pow(2, shift) >= long.MaxValue) return null;
        return (long)(value * Math.Pow(2, shift));
    }

    static long InitialConnections(SetMlpSpec spec) => Enumerable.Range(0, spec.LayerCount).Sum(spec.InitialConnections);

    /// <summary>The largest ε (to four digits) whose network fits, or null if none does.</summary>
    static double? LargestEpsilon(SetMlpSpec spec, Func<SetMlpSpec, long> needs, long limit)
    {
        double low = 0, high = spec.Epsilon;
        for (int i = 0; i < 40; i++)
        {
            double middle = (low + high) / 2;
            if (middle > 0 && needs(spec with { Epsilon = middle }) <= limit) low = middle;
            else high = middle;
        }
        if (low <= 0) return null;
        double scale = Math.Pow(10, Math.Floor(Math.Log10(low)) - 3);
        return Math.Floor(low / scale) * scale;
    }

    /// <summary>The largest size every hidden layer may have (each capped at it) at the same ε, or null.</summary>
    static int? LargestHidden(SetMlpSpec spec, Func<SetMlpSpec, long> needs, long limit)
    {
        var sizes = spec.LayerSizes;
        if (sizes.Length < 3) return null;
        int widest = sizes[1..^1].Max();
        SetMlpSpec Capped(int cap) => spec with { LayerSizes = [sizes[0], .. sizes[1..^1].Select(n => Math.Min(n, cap)), sizes[^1]] };
        int low = 0, high = widest;
        while (low < high)
        {
            int middle = low + (high - low + 1) / 2;
            var capped = Capped(middle);
            if (Enumerable.Range(0, capped.LayerCount).All(l => capped.InitialConnections(l) <= int.MaxValue) && needs(capped) <= limit)
                low = middle;
            else high = middle - 1;
        }
        return low > 0 ? low : null;
    }
}
