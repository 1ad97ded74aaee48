using SetGpu.Cpu;
using SetGpu.Data;
using SetGpu.KernelsTests.Cli;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Cpu;

/// <summary>
/// The memory check: <see cref="NetworkMemory"/>'s estimate against the memory a network really holds, the refusal
/// before anything big is allocated (naming both numbers and what would fit), and a layer past 2^31 − 1 connections.
/// </summary>
public class MemoryCheckTests
{
    static SetMlpSpec Lung(int hidden, int batch, Optimizer? optimizer = null) => new()
    {
        LayerSizes = [3312, hidden, hidden, hidden, 5], Epsilon = 20, BatchSize = batch, Seed = 1,
        Optimizer = optimizer ?? new Sgd(),
    };

    [Fact]
    public void A_network_over_the_limit_is_refused_before_it_is_allocated_with_both_numbers_and_what_fits()
    {
        var spec = Lung(300_000, 2);
        long needed = NetworkMemory.ForCpu(spec).Peak, limit = needed / 3;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NetworkTooLargeException>(() => SetMlp.Create(spec, Device.Cpu, limit));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < needed / 100, $"{allocated:N0} bytes allocated before the refusal");
        Assert.Equal(needed, e.NeededBytes);
        Assert.Equal(limit, e.LimitBytes);
        Assert.Contains($"{needed:N0} bytes", e.Message);
        Assert.Contains($"{limit:N0} bytes", e.Message);
        Assert.DoesNotContain("\n", e.Message);

        // What the message says fits does fit, and a little more does not.
        double epsilon = double.Parse(Between(e.Message, "what fits: epsilon ", " at these"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(NetworkMemory.ForCpu(spec with { Epsilon = epsilon }).Peak <= limit);
        Assert.True(NetworkMemory.ForCpu(spec with { Epsilon = epsilon * 1.01 }).Peak > limit);
        int hidden = int.Parse(Between(e.Message, "hidden layers of at most ", " neurons").Replace(",", ""));
        Assert.True(NetworkMemory.ForCpu(Lung(hidden, 2)).Peak <= limit);
        Assert.True(NetworkMemory.ForCpu(Lung(hidden + 1, 2)).Peak > limit);
    }

    [Fact]
    public void An_ilgpu_device_compares_its_own_estimate_with_the_limit()
    {
        var spec = Lung(20_000, 2);
        long needed = SetGpu.Gpu.IlgpuEngine.RequiredBytes(spec, Enumerable.Range(0, spec.LayerCount).Sum(spec.InitialConnections));
        var e = Assert.Throws<NetworkTooLargeException>(() => SetMlp.Create(spec, Device.IlgpuCpu, needed - 1));
        Assert.Equal(needed, e.NeededBytes);
        Assert.Contains("given by --max-memory", e.Message);
        using var model = SetMlp.Create(spec, Device.IlgpuCpu, needed); // exactly enough
        Assert.Equal("ilgpu-cpu", model.Device);
    }

    [Fact]
    public void A_layer_past_two_to_the_31_is_refused_before_anything_is_allocated()
    {
        // 3,312 → 60 M at ε = 40: 2.4 G connections in layer 0, 29 GB of arrays if it were made.
        var spec = Lung(60_000_000, 2) with { Epsilon = 40 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidSpecException>(() => SetMlp.Create(spec, Device.Cpu));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal("Epsilon", e.Field);
        Assert.Contains("layer 0: 2400132480 connections exceed the 2^31-1 a layer can hold", e.Message);
    }

    [Theory]
    [InlineData("12G", 12L << 30)]
    [InlineData("1.5k", 1536L)]
    [InlineData("4096", 4096L)]
    [InlineData("0", null)]
    [InlineData("-3G", null)]
    [InlineData("G", null)]
    public void Byte_counts_parse_with_binary_suffixes(string text, long? expected) => Assert.Equal(expected, MemoryCheck.ParseBytes(text));

    static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }
}

/// <summary>The command line's refusal: one line, exit code 2; --max-memory sets the limit.</summary>
[Collection(nameof(CliHost))]
public class MemoryCheckCliTests
{
    [Fact]
    public void The_command_line_refuses_in_one_line_and_max_memory_sets_the_limit()
    {
        var refused = CliHost.Run("train", "--dataset", "lung-reference-style", "--hidden", "3000", "--engine", "cpu", "--epochs", "1",
                                  "--max-memory", "4M");
        Assert.Equal(2, refused.ExitCode);
        string line = refused.Error.Trim();
        Assert.StartsWith("error: the network needs about ", line);
        Assert.Contains("more than the 0.0 GB (4,194,304 bytes) given by --max-memory; what fits: ", line);
        Assert.DoesNotContain("\n", line);

        var bad = CliHost.Run("train", "--hidden", "30", "--engine", "cpu", "--epochs", "1", "--max-memory", "12Q");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --max-memory: '12Q' is not a byte count (a number, or one with K, M, G or T, e.g. 12G)", bad.Error.Trim());

        CliHost.Ok("train", "--hidden", "30", "--engine", "cpu", "--epochs", "1", "--max-memory", "1G");
    }
}

/// <summary>
/// The estimate against the managed memory a network and its engine hold as they train (the runtime's count after a
/// full collection), alone so that no other test's arrays are counted: within 3 %.
/// </summary>
[Collection(nameof(GlobalCpuSettings))]
public class MemoryEstimateTests
{
    public static TheoryData<string, int, int> Cases => new()
    {
        { "sgd", 2, 20_000 },    // the scatter forward
        { "sgd", 32, 20_000 },   // the gather forward: its incoming index too
        { "adam", 2, 20_000 },   // two state arrays
        { "sgd", 2, 60_000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_training_estimate_matches_the_memory_held(string optimizer, int batch, int hidden)
    {
        var spec = new SetMlpSpec
        {
            LayerSizes = [3312, hidden, hidden, hidden, 5], Epsilon = 20, BatchSize = batch, Seed = 1,
            Optimizer = optimizer == "adam" ? new Adam() : new Sgd(),
        };
        var data = SyntheticData.LungReferenceStyle(seed: 1);
        long alive = HeldWhileTraining(spec, data);
        long held = alive - SettledHeapBytes();
        long estimate = NetworkMemory.ForCpu(spec).Training;
        Assert.True(Math.Abs(held - estimate) <= 0.03 * held, $"estimate {estimate:N0} bytes, held {held:N0}");
    }

    /// <summary>The heap while a network trained on <paramref name="data"/> and its engine are alive. Measured as the
    /// difference to the heap after they are gone (not before they existed), so that another test's objects freed
    /// meanwhile are not subtracted from the network's.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long HeldWhileTraining(SetMlpSpec spec, Dataset data)
    {
        var network = SparseNetwork.Create(spec);
        using var engine = new CpuEngine(network);
        engine.SetTrainingData(data);
        engine.TrainBatches(SampleOrder.Shuffled(data.Samples, 1, 0)[..(4 * spec.BatchSize)], default, 0, spec.StepAt(0));
        long alive = SettledHeapBytes();
        GC.KeepAlive(network);
        return alive;
    }

    private static long SettledHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
