using System.Diagnostics;
using SetGpu.Fuzz;
using SetGpu.KernelsTests.Data;

namespace SetGpu.KernelsTests.Fuzz;

/// <summary>
/// Every input that the fuzzers found breaking the readers' contract (kernels-tests/Fuzz/Inputs/TARGET/NAME; a binary
/// input as NAME.hex, its bytes in hex text, so that the repository holds no binary files), run again
/// through the same target as afl-fuzz ran it: now it is refused with the reader's format error naming the file, within
/// a second and the memory budget (<see cref="Contract"/>). And the seed corpora: built from shared/data, each seed keeps
/// the contract, and the valid ones load.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(InputsRoot).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_found_input_is_refused_with_the_format_error(string target, string name)
    {
        Assert.Contains(target, Targets.Names);
        var input = ReadInput(Path.Combine(InputsRoot, target, name));
        using var dir = new TempDir();
        string path = dir.File("input");
        Targets.Run(target, input, path); // the first run compiles the readers
        var clock = Stopwatch.StartNew();
        var refusals = Targets.Run(target, input, path);
        // Milliseconds here; the bound catches a reader gone quadratic or looping, with room for a 2-core machine
        // running other test classes and their garbage collections at the same time.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{name} took {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.StartsWith(path, r));
    }

    /// <summary>An input's bytes: a .hex file's hex text (xxd -p), any other file as it is.</summary>
    static byte[] ReadInput(string path) => path.EndsWith(".hex", StringComparison.Ordinal)
        ? Convert.FromHexString(string.Concat(File.ReadAllText(path).Where(char.IsAsciiHexDigit)))
        : File.ReadAllBytes(path);

    [Fact]
    public void Every_target_has_found_inputs_or_none_to_find() =>
        Assert.All(Directory.GetDirectories(InputsRoot), d => Assert.Contains(Path.GetFileName(d), Targets.Names));

    [Fact]
    public void The_seeds_keep_the_contract_and_the_valid_ones_load()
    {
        using var dir = new TempDir();
        var counts = Seeds.Write(dir.Path, SharedData.Root).ToDictionary(s => s.Target, s => s.Count);
        Assert.Equal(Targets.Names, counts.Keys);
        Assert.All(counts.Values, n => Assert.True(n >= 2));
        string path = dir.File("scratch/input");
        var outcomes = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var target in Targets.Names)
            foreach (var seed in Directory.GetFiles(Path.Combine(dir.Path, target)))
                outcomes[$"{target}/{Path.GetFileName(seed)}"] = Targets.Run(target, File.ReadAllBytes(seed), path);

        // Every step loads these: the cut-down real files (uncompressed, so that the recompressing step reads them
        // too), every numeric class, sparse and logical arrays; IDX-free text; a report.
        foreach (var valid in new[] { "mat/COIL20-uncompressed.mat", "mat/Yale-uncompressed.mat", "mat/class-9-uint8.mat",
                                      "mat/class-15-uint64.mat", "mat/sparse.mat", "mat/logical-chars-3d.mat", "madelon/pair",
                                      "report/mlp.json", "report/rbm.json" })
            Assert.True(outcomes[valid].Count == 0, $"{valid}: {string.Join("; ", outcomes[valid])}");
        // A payload loads directly and in a container, a checkpoint file as it is: one refusal each (the other form).
        Assert.Single(outcomes["checkpoint/mlp.payload"]);
        Assert.Equal(2, outcomes["checkpoint/rbm.ckpt"].Count);
        // Damaged seeds are refused by the step that reads them.
        Assert.Contains(outcomes["mat/flipped.mat"], r => r.Contains("zlib", StringComparison.Ordinal));
        Assert.Contains(outcomes["idx/mnist-images-truncated"], r => r.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sparse_array_too_large_to_densify_is_refused_at_the_library_limit()
    {
        // The fuzz target passes a lower limit; the library's own (2^28 elements) refuses the same 264-byte file.
        var input = ReadInput(Path.Combine(InputsRoot, "mat", "sparse-declares-2-to-30-rows.mat.hex"));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SetGpu.Data.DataFormatException>(() => SetGpu.Data.MatFile.Read(input, "huge.mat"));
        Assert.Contains("1073741824×1 sparse) is too large to densify: 1073741824 elements, the limit is 268435456", e.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
    }

    static string InputsRoot { get; } = FindInputs();

    static string FindInputs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "kernels-tests", "Fuzz", "Inputs");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "Fuzz", "Inputs");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "SetGpu.KernelsTests.csproj"))) return candidate;
        }
        throw new DirectoryNotFoundException($"no kernels-tests/Fuzz/Inputs above {AppContext.BaseDirectory}");
    }
}
