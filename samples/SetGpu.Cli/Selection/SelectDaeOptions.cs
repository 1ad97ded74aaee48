using System.CommandLine;
using SetGpu.Data;

namespace SetGpu.Cli.Selection;

/// <summary>
/// <c>select</c>'s options for the data the selection trains on and for its network beyond size and epochs. Unset, each
/// keeps the method's own setting: <see cref="SetDae.QuickSelectionSpec"/> on standardised data for quickselection and
/// mlp-strength, <see cref="SetDae.WastSpec"/> on min-max-scaled data for wast, <see cref="SetDae.DefaultSpec"/>'s optimiser on min-max-scaled data for attribution (the setting its
/// measurements in docs/feature-selection.md were made with). The help gives QuickSelection's values.
/// </summary>
internal static class SelectDaeOptions
{
    static readonly SetMlpSpec Defaults = SetDae.QuickSelectionSpec(1, 1);

    public static readonly Option<string> Scaling = new("--scaling") { Description = "Features the method trains on: auto (minmax for attribution and wast, and for the strengths on images whose standardised pixels pass ±50; standard otherwise), standard (zero mean, unit variance per feature) or minmax ([0, 1]); the evaluation's data are min-max scaled either way", DefaultValueFactory = _ => "auto" };
    public static readonly Option<string> Init = new("--init") { Description = "Initial and regrown weights of the SET-DAE and of mlp-strength's classifier: normal (N(0,1)/10, as the authors' code) or he-uniform", DefaultValueFactory = _ => InitName(Defaults.WeightInit) };
    public static readonly Option<string> Regrow = new("--regrow") { Description = "Values of the regrown connections of the SET-DAE and of the attribution and mlp-strength classifier: init (drawn like the initial ones, as the authors' code) or zero (0, then moved by their gradient; attribution's default)", DefaultValueFactory = _ => RegrowName(Defaults.Regrowth) };
    public static readonly Option<string> Reconstruction = new("--reconstruction") { Description = "Output activation of the SET-DAE: linear or sigmoid", DefaultValueFactory = _ => Defaults.OutputActivation == OutputActivation.Linear ? "linear" : "sigmoid" };
    public static readonly Option<float> Noise = new("--noise") { Description = "Masking noise of the SET-DAE: the fraction of inputs set to zero in each training sample", DefaultValueFactory = _ => Defaults.InputNoise };
    public static readonly Option<float> Dropout = new("--dropout") { Description = "Dropout on the SET-DAE's hidden layer", DefaultValueFactory = _ => Defaults.Dropout };
    public static readonly Option<float> Lr = new("--lr") { Description = "SGD learning rate (momentum 0.9)", DefaultValueFactory = _ => Defaults.Optimizer.LearningRate };
    public static readonly Option<float> WeightDecay = new("--weight-decay") { Description = $"SGD's decoupled weight decay per step (attribution: {SetDae.DefaultSpec(1, 1).Optimizer.WeightDecay})", DefaultValueFactory = _ => Defaults.Optimizer.WeightDecay };

    public static readonly Option<int?> WastEvery = new("--wast-every") { Description = "--method wast: evolve after every N batches (default: WAST's 1, every batch)" };

    public static IEnumerable<Option> All => [Scaling, Init, Regrow, Reconstruction, Noise, Dropout, Lr, WeightDecay, WastEvery];

    /// <summary>The network setting <paramref name="method"/> starts from, before the options.</summary>
    public static SetMlpSpec Baseline(string method, int inputs, int hidden) => method switch
    {
        // Attribution's classifier is a cross-entropy SET-MLP: regrown at 0, as train's default for it, which moves the
        // text sets' top 100 within 2 points of the published figures (docs/feature-selection.md, Results).
        "attribution" => SetDae.DefaultSpec(inputs, hidden) with { Regrowth = RegrowthValues.Zero },
        "wast" => SetDae.WastSpec(inputs, hidden),
        _ => SetDae.QuickSelectionSpec(inputs, hidden),
    };

    /// <summary><paramref name="spec"/> with the options written on the command line.</summary>
    public static SetMlpSpec Apply(ParseResult r, SetMlpSpec spec)
    {
        bool Given(Option option) => RunCommandOptions.IsGiven(r, option);
        float noise = r.GetValue(Noise), dropout = r.GetValue(Dropout), lr = r.GetValue(Lr), decay = r.GetValue(WeightDecay);
        if (!(noise >= 0 && noise < 1)) throw new ArgumentException($"--noise: {noise}; give a fraction in [0, 1)");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentException($"--dropout: {dropout}; give a fraction in [0, 1)");
        if (!(lr > 0 && float.IsFinite(lr))) throw new ArgumentException($"--lr: {lr}; give a positive learning rate");
        if (!(decay >= 0 && decay < 1)) throw new ArgumentException($"--weight-decay: {decay}; give a value in [0, 1)");
        var sgd = spec.Optimizer as Sgd ?? new Sgd();
        int? every = r.GetValue(WastEvery);
        if (every is not null && spec.Wast is null) throw new ArgumentException("--wast-every: only --method wast evolves after batches");
        if (every is < 1) throw new ArgumentException($"--wast-every: {every}; give 1 or more batches");
        return spec with
        {
            Wast = every is { } n ? spec.Wast! with { EveryBatches = n } : spec.Wast,
            WeightInit = !Given(Init) ? spec.WeightInit : r.GetValue(Init) switch
            {
                "normal" => WeightInitKind.ReferenceNormal, "he-uniform" => WeightInitKind.HeUniform,
                var v => throw new ArgumentException($"--init: '{v}' is not normal or he-uniform"),
            },
            Regrowth = Given(Regrow) ? Parse.Regrowth(r.GetValue(Regrow)!) : spec.Regrowth,
            OutputActivation = !Given(Reconstruction) ? spec.OutputActivation : r.GetValue(Reconstruction) switch
            {
                "linear" => OutputActivation.Linear, "sigmoid" => OutputActivation.Sigmoid,
                var v => throw new ArgumentException($"--reconstruction: '{v}' is not linear or sigmoid"),
            },
            InputNoise = Given(Noise) ? noise : spec.InputNoise,
            Dropout = Given(Dropout) ? dropout : spec.Dropout,
            Optimizer = sgd with
            {
                LearningRate = Given(Lr) ? lr : sgd.LearningRate,
                WeightDecay = Given(WeightDecay) ? decay : sgd.WeightDecay,
            },
        };
    }

    /// <summary>The scaling <c>--scaling</c> names; auto, min-max for attribution and wast (the data their measurements
    /// were made on) and <see cref="FeatureScaling.ForStrength"/> for the two strengths, with the reason when that is
    /// not standardisation.</summary>
    public static (FeatureScalingKind Kind, string? Why) ScalingOf(ParseResult r, string method, Dataset train) =>
        r.GetValue(Scaling) is { } given and not "auto" ? (FeatureScaling.Parse(given), null)
        : method is "attribution" or "wast" ? (FeatureScalingKind.MinMax, null) : FeatureScaling.ForStrength(train);

    static string RegrowName(RegrowthValues values) => values == RegrowthValues.Zero ? "zero" : "init";

    static string InitName(WeightInitKind kind) => kind == WeightInitKind.ReferenceNormal ? "normal" : "he-uniform";
}
