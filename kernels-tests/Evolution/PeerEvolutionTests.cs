using System.Text.Json;
using SetGpu.KernelsTests.Support;
using SetGpu.Model;

namespace SetGpu.KernelsTests.Evolution;

/// <summary>
/// The PyTorch peers of <c>SetGpu.Bench peers</c> (samples/SetGpu.Bench/Peers) hold the same number of connections as
/// SetGpu in every layer, and their evolution keeps it exact; the masked peer keeps its weights and momenta at 0 outside
/// its mask; and their hand-written backward passes give PyTorch autograd's gradients. Needs Debian's python3-torch
/// (skipped without it; CI does not install it).
/// </summary>
public class PeerEvolutionTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "masked", "3312,1000,1000,1000,5" },
        { "sparse", "3312,1000,1000,1000,5" },
        { "masked", "784,1000,1000,1000,10" },
        { "sparse", "784,1000,1000,1000,10" },
        // ε caps both small layers at full density: regrowth must then choose among the pruned positions themselves
        { "masked", "40,30,5" },
        { "sparse", "40,30,5" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Connections_match_SetGpu_and_evolution_keeps_them_exact(string peer, string layers)
    {
        string python = Requirement.Torch.Require();
        int[] sizes = layers.Split(',').Select(int.Parse).ToArray();
        var network = SparseNetwork.Create(new SetMlpSpec { LayerSizes = sizes, Epsilon = 20, Zeta = 0.3, Seed = 1 });
        long[] expected = network.Layers.Select(l => (long)l.Connections).ToArray();

        const int steps = 3;
        var (code, output) = Programs.Run(python, Script(), "--peer", peer, "--layers", layers, "--epsilon", "20", "--zeta", "0.3",
                                          "--evolution-check", $"{steps}");
        Assert.True(code == 0, $"peer.py exited with {code}:\n{output}");
        using var json = JsonDocument.Parse(output.Split('\n').First(line => line.StartsWith('{')));
        var counts = json.RootElement.GetProperty("connections").EnumerateArray()
            .Select(step => step.EnumerateArray().Select(c => c.GetInt64()).ToArray()).ToList();
        Assert.Equal(steps + 1, counts.Count);
        foreach (var step in counts) Assert.Equal(expected, step);
        Assert.All(json.RootElement.GetProperty("nonzeroOutsideMask").EnumerateArray(), n => Assert.Equal(0, n.GetInt64()));
    }

    [SkippableTheory]
    [InlineData("masked")]
    [InlineData("sparse")]
    [InlineData("dense")]
    public void One_step_moves_each_parameter_by_the_autograd_gradient(string peer)
    {
        string python = Requirement.Torch.Require();
        // ε = 3 leaves most positions of the 30 × 20 and 20 × 10 layers empty; the 10 × 4 output layer is full
        var (code, output) = Programs.Run(python, Script(), "--peer", peer, "--layers", "30,20,10,4", "--epsilon", "3", "--gradient-check");
        Assert.True(code == 0, $"peer.py exited with {code}:\n{output}");
        using var json = JsonDocument.Parse(output.Split('\n').First(line => line.StartsWith('{')));
        // float32 sums of at most 30 products: 1e-5 is hundreds of roundings, far below a wrong or missing term
        Assert.InRange(json.RootElement.GetProperty("largestDifference").GetDouble(), 0, 1e-5);
    }

    static string Script([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "samples", "SetGpu.Bench", "Peers", "peer.py"));
}
