using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>The options of <c>rbm</c> that define a SET-RBM, over the shared <see cref="RunCommandOptions"/>.</summary>
internal sealed class RbmCommandOptions
{
    static readonly SetRbmSpec Defaults = new() { Visible = 1 };

    public readonly RunCommandOptions Run = new(Defaults, "coil20");
    public readonly Option<int> Hidden = new("--hidden") { Description = "Hidden units", DefaultValueFactory = _ => Defaults.Hidden };
    public readonly Option<int> Cd = new("--cd") { Description = "k of CD-k: Gibbs steps of the negative phase", DefaultValueFactory = _ => Defaults.CdSteps };
    public readonly Option<bool> Persistent = new("--persistent") { Description = "Persistent CD: fantasy particles carried from batch to batch" };
    public readonly Option<bool> Gaussian = new("--gaussian-visible") { Description = "Gaussian visible units (unit variance, linear mean) for real-valued data; standardise it" };
    public readonly Option<bool> SampleVisible = new("--sample-visible") { Description = "Sample the visible units in the negative phase instead of using their means" };
    public readonly Option<float> InitScale = new("--init-scale") { Description = "New weights are N(0,1)·scale (the reference: 0.05)", DefaultValueFactory = _ => Defaults.InitScale };
    public readonly Option<bool> Ais = new("--ais") { Description = "Estimate the test log-likelihood by annealed importance sampling after the last epoch (exact log Z too with ≤ 20 hidden units)" };
    public readonly Option<int> AisEvery = new("--ais-every") { Description = "Also estimate it every N epochs (implies --ais)", DefaultValueFactory = _ => 0 };
    public readonly Option<int> AisRuns = new("--ais-runs") { Description = "AIS runs", DefaultValueFactory = _ => new AisOptions().Runs };
    public readonly Option<int> AisBetas = new("--ais-betas") { Description = "AIS inverse temperatures", DefaultValueFactory = _ => new AisOptions().Betas };

    public IEnumerable<Option> All => [.. Run.All, Hidden, Cd, Persistent, Gaussian, SampleVisible, InitScale, Ais, AisEvery, AisRuns, AisBetas];

    /// <summary>The options in the help's groups; the AIS estimate is among what the run reports.</summary>
    public IReadOnlyList<OptionGroup> HelpGroups => Run.HelpGroups(
        model: [Hidden, Cd, Persistent, Gaussian, SampleVisible, InitScale], optimizer: [], output: [Ais, AisEvery, AisRuns, AisBetas]);

    /// <summary>The specification the command line describes, as <see cref="TrainCommandOptions.Spec"/> does for the MLP.</summary>
    public SetRbmSpec Spec(ParseResult r, SetRbmSpec? resumed)
    {
        bool resuming = resumed is not null;
        var b = Run.Apply(r, resumed ?? Defaults, resuming);
        bool Given(Option option) => !resuming || RunCommandOptions.IsGiven(r, option);
        bool anyAis = Given(Ais) || Given(AisEvery) || Given(AisRuns) || Given(AisBetas);
        AisOptions? ais = b.Ais;
        if (anyAis)
            ais = r.GetValue(Ais) || r.GetValue(AisEvery) > 0
                ? new AisOptions { Runs = r.GetValue(AisRuns), Betas = r.GetValue(AisBetas) }
                : resuming ? b.Ais : null;
        return b with
        {
            Hidden = Given(Hidden) ? r.GetValue(Hidden) : b.Hidden,
            CdSteps = Given(Cd) ? r.GetValue(Cd) : b.CdSteps,
            Persistent = Given(Persistent) ? r.GetValue(Persistent) : b.Persistent,
            VisibleUnits = Given(Gaussian) ? (r.GetValue(Gaussian) ? VisibleUnitKind.Gaussian : VisibleUnitKind.Bernoulli) : b.VisibleUnits,
            SampleVisible = Given(SampleVisible) ? r.GetValue(SampleVisible) : b.SampleVisible,
            InitScale = Given(InitScale) ? r.GetValue(InitScale) : b.InitScale,
            Ais = ais,
            AisInterval = Given(AisEvery) ? r.GetValue(AisEvery) : b.AisInterval,
        };
    }
}
