using System.CommandLine;
using SetGpu;
using SetGpu.Training;
using SetGpu.Data;
using SetGpu.Model;
using SetGpu.Rbm;
using SetGpu.RbmFeatures;

// Trains a SET-RBM on COIL20 with the reference settings, saves what the hidden units learned as pictures, and
// measures how good its hidden units are as features for a classifier.
var dataDir = new Option<string?>("--data-dir") { Description = "Folder laid out like shared/data (COIL20.mat)" };
var epochs = new Option<int>("--epochs") { Description = "RBM epochs", DefaultValueFactory = _ => 100 };
var hidden = new Option<int>("--hidden") { Description = "Hidden units", DefaultValueFactory = _ => 200 };
var topology = new Option<string>("--topology") { Description = "set, static or dense", DefaultValueFactory = _ => "set" };
var seed = new Option<ulong>("--seed") { Description = "Seed of split, topology, order and samples", DefaultValueFactory = _ => 42UL };
var output = new Option<string>("--out") { Description = "Folder for the pictures", DefaultValueFactory = _ => "rbm-features" };
var root = new RootCommand("SET-RBM on COIL20: receptive fields as pictures, hidden units as features for a classifier")
{
    dataDir, epochs, hidden, topology, seed, output,
};
root.SetAction(result =>
{
    try
    {
        ulong s = result.GetValue(seed);
        // The reference settings are SetRbmSpec's defaults: ε = 10, ζ = 0.3, batch 10, learning rate 0.1, decay 2e-7, CD-1.
        var spec = new SetRbmSpec
        {
            Visible = 1024,
            Hidden = result.GetValue(hidden),
            Epochs = result.GetValue(epochs),
            Seed = s,
            Topology = result.GetValue(topology) switch { "set" => TopologyKind.Set, "static" => TopologyKind.StaticSparse, "dense" => TopologyKind.Dense, var v => throw new ArgumentException($"--topology: '{v}' is not set, static or dense") },
        };
        var data = new DatasetCatalog(new DatasetCatalogOptions { DataDirectory = result.GetValue(dataDir), Log = Console.Error })
            .Load("coil20", unchecked((int)s));
        Console.WriteLine($"COIL20: {data.Train.Samples} train / {data.Test.Samples} test images of 32x32");

        using var model = SetRbm.Create(spec, Device.Cpu);
        Console.WriteLine(model.Export().Summary());
        model.Fit(new TrainingData(data.Train, Test: data.Test), new Progress(spec.Epochs));
        var rbm = model.Export();

        string folder = result.GetValue(output)!;
        var fields = Enumerable.Range(0, rbm.Hidden).Select(j => ReceptiveField(rbm, j)).ToArray();
        string fieldsPath = Path.Combine(folder, "receptive-fields.png");
        TileImage.Save(fieldsPath, fields, 32, 20, 3, TileImage.Diverging);
        Console.WriteLine($"receptive fields of the {rbm.Hidden} hidden units (grey 0, white positive, black negative): {Path.GetFullPath(fieldsPath)}");
        string reconstructionsPath = Path.Combine(folder, "reconstructions.png");
        TileImage.Save(reconstructionsPath, Reconstructions(rbm, data.Test, 20), 32, 20, 3, TileImage.Intensity);
        Console.WriteLine($"test images (upper row) and their mean-field reconstructions (lower row): {Path.GetFullPath(reconstructionsPath)}");

        // Softmax regression on the hidden probabilities, against the same classifier on the raw pixels.
        var features = FeatureClassifier.Split(data, model.Transform(data.Train).Values, model.Transform(data.Test).Values, rbm.Hidden, "rbm-features");
        double onFeatures = FeatureClassifier.TestAccuracy(features, 100, s);
        double onPixels = FeatureClassifier.TestAccuracy(data, 100, s);
        Console.WriteLine($"softmax regression test accuracy: {onFeatures:P2} on the {rbm.Hidden} RBM features, {onPixels:P2} on the 1024 pixels");
        return 0;
    }
    catch (Exception e) when (e is ArgumentException or DataFormatException or IOException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }
});
return root.Parse(args).Invoke();

/// <summary>Hidden unit j's incoming weights laid out as an image (absent connections are 0).</summary>
static float[] ReceptiveField(SparseRbm rbm, int j)
{
    var tile = new float[rbm.Visible];
    var p = rbm.Weights.Pattern;
    for (int i = 0; i < rbm.Visible; i++)
    {
        int k = Array.BinarySearch(p.Columns, p.Offsets[i], p.Offsets[i + 1] - p.Offsets[i], j);
        if (k >= 0) tile[i] = rbm.Weights.Weights[k];
    }
    return tile;
}

/// <summary>The first <paramref name="count"/> test images, then their reconstructions σ(b + W·σ(c + Wᵀv)), on the host.</summary>
static List<float[]> Reconstructions(SparseRbm rbm, Dataset test, int count)
{
    var originals = new List<float[]>();
    var reconstructions = new List<float[]>();
    var p = rbm.Weights.Pattern;
    for (int s = 0; s < count; s++)
    {
        var v = test.Sample(s).ToArray();
        var h = RbmEnergy.HiddenPreActivations(rbm, v).Select(z => 1 / (1 + Math.Exp(-z))).ToArray();
        var r = new float[rbm.Visible];
        for (int i = 0; i < rbm.Visible; i++)
        {
            double a = rbm.VisibleBias[i];
            for (int k = p.Offsets[i]; k < p.Offsets[i + 1]; k++) a += rbm.Weights.Weights[k] * h[p.Columns[k]];
            r[i] = (float)(1 / (1 + Math.Exp(-a)));
        }
        originals.Add(v);
        reconstructions.Add(r);
    }
    return [.. originals, .. reconstructions];
}

/// <summary>A line every tenth of the run.</summary>
sealed class Progress(int epochs) : IProgress<EpochRecord>
{
    public void Report(EpochRecord r)
    {
        if ((r.Epoch + 1) % Math.Max(1, epochs / 10) == 0 || r.Epoch == epochs - 1)
            Console.WriteLine($"epoch {r.Epoch + 1,5}: test reconstruction error {r.Test!.Loss:F5}, free-energy gap {r.FreeEnergyGap:F3}, {r.TrainSeconds:F4} s training");
    }
}
