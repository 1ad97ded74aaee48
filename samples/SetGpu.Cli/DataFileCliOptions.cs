using System.CommandLine;
using SetGpu.Data;

namespace SetGpu.Cli;

/// <summary>The options that say how a user's CSV or NumPy files are read, and --test; train, rbm and predict share them.</summary>
internal sealed class DataFileCliOptions
{
    public readonly Option<string?> Test = new("--test") { Description = "Take the test split from this file (same format as --dataset) instead of splitting --dataset" };
    public readonly Option<bool> NoHeader = new("--no-header") { Description = "The CSV file's first row is data, not column names" };
    public readonly Option<string?> Label = new("--label") { Description = "The CSV label column: its header name, or its number counted from 1 (-1: the last; default: the last column)" };
    public readonly Option<string> NpzX = new("--npz-x") { Description = "Name of the features array in an .npz file (and stem of the features .npy file)", DefaultValueFactory = _ => "X" };
    public readonly Option<string> NpzY = new("--npz-y") { Description = "Name of the labels array in an .npz file (and stem of the labels .npy file)", DefaultValueFactory = _ => "y" };

    public IEnumerable<Option> All => [Test, NoHeader, Label, NpzX, NpzY];

    /// <summary>How the command line says the files are read.</summary>
    public DataFileOptions FileOptions(ParseResult r) => new()
    {
        HasHeader = !r.GetValue(NoHeader), Label = r.GetValue(Label), FeaturesArray = r.GetValue(NpzX)!, LabelsArray = r.GetValue(NpzY)!,
    };
}
