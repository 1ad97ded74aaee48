using System.CommandLine;

namespace SetGpu.Cli;

/// <summary>The options of <c>autoencoder</c> that define a SET-DAE, over the shared <see cref="RunCommandOptions"/>.</summary>
internal sealed class DaeCommandOptions
{
    static readonly SetMlpSpec Defaults = SetDae.DefaultSpec(1, 1000);

    public readonly RunCommandOptions Run = new(Defaults, "coil20");
    public readonly Option<int> Hidden = new("--hidden") { Description = "Neurons of the hidden layer (the code)", DefaultValueFactory = _ => Defaults.LayerSizes[1] };
    public readonly Option<string> Activation = new("--activation") { Description = "Hidden activation: sigmoid, relu, leaky-relu, tanh", DefaultValueFactory = _ => "sigmoid" };
    public readonly Option<string> Reconstruction = new("--reconstruction") { Description = "Output activation: sigmoid (data in [0, 1]) or linear", DefaultValueFactory = _ => "sigmoid" };
    public readonly Option<float> Noise = new("--noise") { Description = "Masking noise: the fraction of inputs set to zero in each training sample", DefaultValueFactory = _ => Defaults.InputNoise };
    public readonly Option<string> Init = new("--init") { Description = "Initial weights: he-uniform or normal (N(0,1)/10)", DefaultValueFactory = _ => "he-uniform" };

    public IEnumerable<Option> All => [.. Run.All, Hidden, Activation, Reconstruction, Noise, Init];

    /// <summary>The options in the help's groups.</summary>
    public IReadOnlyList<OptionGroup> HelpGroups => Run.HelpGroups(model: [Hidden, Activation, Reconstruction, Noise, Init], optimizer: [], output: []);

    /// <summary>The specification the command line describes, as <see cref="TrainCommandOptions.Spec"/> does for the MLP.</summary>
    public SetMlpSpec Spec(ParseResult r, SetMlpSpec? resumed)
    {
        bool resuming = resumed is not null;
        var b = Run.Apply(r, resumed ?? Defaults, resuming);
        bool Given(Option option) => !resuming || RunCommandOptions.IsGiven(r, option);
        var activation = Given(Activation) ? Parse.Enum<HiddenActivation>(r.GetValue(Activation)!, "--activation") : b.HiddenActivation;
        if (activation == HiddenActivation.SRelu || activation == HiddenActivation.AllRelu)
            throw new ArgumentException($"--activation: '{r.GetValue(Activation)}' is not one of sigmoid, relu, leaky-relu, tanh");
        return b with
        {
            LayerSizes = Given(Hidden) ? [b.LayerSizes[0], r.GetValue(Hidden), b.LayerSizes[^1]] : b.LayerSizes,
            HiddenActivation = activation,
            OutputActivation = Given(Reconstruction)
                ? r.GetValue(Reconstruction) switch
                {
                    "sigmoid" => OutputActivation.Sigmoid, "linear" => OutputActivation.Linear,
                    var v => throw new ArgumentException($"--reconstruction: '{v}' is not sigmoid or linear"),
                }
                : b.OutputActivation,
            InputNoise = Given(Noise) ? r.GetValue(Noise) : b.InputNoise,
            WeightInit = Given(Init)
                ? r.GetValue(Init) switch
                {
                    "he-uniform" => WeightInitKind.HeUniform, "normal" => WeightInitKind.ReferenceNormal,
                    var v => throw new ArgumentException($"--init: '{v}' is not he-uniform or normal"),
                }
                : b.WeightInit,
        };
    }
}
