using System.CommandLine;
using SetGpu.Checkpoints;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// <c>autoencoder</c> (alias <c>dae</c>): a SET denoising autoencoder, inputs → hidden → inputs: the reconstruction
/// error per epoch in a table and the report, checkpoints and resume, as <c>train</c>.
/// </summary>
internal static class DaeCommand
{
    /// <param name="helpGroups">Where the command's option groups for <c>--help</c> are added.</param>
    public static Command Create(IDictionary<Command, IReadOnlyList<OptionGroup>> helpGroups)
    {
        var kind = new DaeRun(new DaeCommandOptions());
        var command = new Command("autoencoder", "Train a SET denoising autoencoder (SET-DAE): inputs → hidden → inputs with masking noise");
        command.Aliases.Add("dae");
        foreach (var option in kind.All.All) command.Options.Add(option);
        command.SetAction(result => CliErrors.Run(() => ModelRun.Execute(kind, result)));
        helpGroups[command] = kind.All.HelpGroups;
        return command;
    }

    internal sealed class DaeRun(DaeCommandOptions o) : RunKind
    {
        public DaeCommandOptions All => o;
        public override RunCommandOptions Options => o.Run;
        public override Type SpecType => typeof(SetMlpSpec);
        public override bool Holds(SetSpec spec) => spec is SetMlpSpec { Target: TrainingTarget.Inputs };
        public override SetSpec Spec(ParseResult result, SetSpec? resumed) => o.Spec(result, (SetMlpSpec?)resumed);

        /// <summary>auto: none for a sigmoid reconstruction (its data must lie in [0, 1]); per-feature for a linear one.</summary>
        public override string Standardization(string given, SetSpec spec) =>
            given != "auto" ? given : ((SetMlpSpec)spec).OutputActivation == OutputActivation.Sigmoid ? "none" : "per-feature";

        public override SetSpec WithData(SetSpec spec, TrainingData data)
        {
            var dae = (SetMlpSpec)spec;
            if (dae.OutputActivation == OutputActivation.Sigmoid)
                foreach (var set in new[] { data.Train, data.Validation, data.Test })
                {
                    if (set is null) continue;
                    float min = set.Features.Min(), max = set.Features.Max();
                    if (min < 0 || max > 1)
                        throw new ArgumentException($"{set.Name}: values run from {min} to {max}, but a sigmoid reconstruction needs data in [0, 1]; " +
                                                    "rescale it, or use --reconstruction linear --standardize per-feature");
                }
            int inputs = data.Train.FeatureCount;
            return dae with { LayerSizes = [inputs, dae.LayerSizes[1], inputs] };
        }

        public override SetModel Create(SetSpec spec, Device device) => SetDae.Create((SetMlpSpec)spec, device);
        public override SetModel Load(TrainingCheckpoint checkpoint, Device device) => SetDae.Load(checkpoint, device);
        public override string Summary(SetModel model) => ((SetDae)model).Export().Summary();

        public override EpochTable Table(TrainingReport report, TrainingData data, string? reportPath)
        {
            var middle = new List<EpochTable.Column> { new("train rec", 10, r => $"{r.TrainLoss:F5}") };
            if (data.Validation is not null) middle.Add(new("val rec", 10, r => $"{r.Validation?.Loss:F5}"));
            if (data.Test is not null) middle.Add(new("test rec", 10, r => $"{r.Test?.Loss:F5}"));
            middle.Add(new("eval s", 7, r => $"{r.EvaluationSeconds:F4}"));
            return new EpochTable(EpochTable.Around(middle, 12), report, reportPath);
        }

        public override string Result(TrainingReport report)
        {
            var last = report.Epochs[^1];
            if (last.Test is not { } test) return $"final training reconstruction error {last.TrainLoss:F5} (noisy inputs, mean (y − x)² per input)";
            return $"final test reconstruction error {test.Loss:F5} (mean (y − x)² per input; lowest {report.Epochs.Min(e => e.Test!.Loss):F5}, reported only)";
        }
    }
}
