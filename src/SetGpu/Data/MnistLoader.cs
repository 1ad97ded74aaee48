namespace SetGpu.Data;

/// <summary>
/// Loads MNIST-layout folders (MNIST, Fashion-MNIST): train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally with a .gz suffix.
/// Pixels are scaled from 0..255 to [0, 1].
/// </summary>
internal static class MnistLoader
{
    /// <summary>The four file names, without the optional .gz suffix.</summary>
    public static readonly IReadOnlyList<string> FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Loads the official split: train (60000 for MNIST) and test (10000).</summary>
    /// <param name="directory">Folder holding the four files.</param>
    /// <param name="classes">Number of classes (10 for both MNIST and Fashion-MNIST).</param>
    /// <exception cref="DataFormatException">A file is missing or malformed, or image and label counts disagree.</exception>
    public static DatasetSplit Load(string directory, int classes = 10)
    {
        var train = Load(Find(directory, FileNames[0]), Find(directory, FileNames[1]), classes);
        var test = Load(Find(directory, FileNames[2]), Find(directory, FileNames[3]), classes);
        if (train.FeatureCount != test.FeatureCount)
            throw new DataFormatException(directory, $"train images have {train.FeatureCount} pixels but test images {test.FeatureCount}");
        return new DatasetSplit(train, test);
    }

    /// <summary>Loads one images/labels pair as a dataset named after the images file.</summary>
    /// <exception cref="DataFormatException">A file is malformed, the counts disagree, or a label is ≥ <paramref name="classes"/>.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, int classes = 10)
    {
        var images = IdxReader.ReadImages(imagesPath);
        byte[] raw = IdxReader.ReadLabels(labelsPath);
        if (raw.Length != images.Count)
            throw new DataFormatException(labelsPath,
                $"count mismatch: {raw.Length} labels but {images.Count} images in {Path.GetFileName(imagesPath)}");
        var labels = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] >= classes)
                throw new DataFormatException(labelsPath, $"label of item {i} is {raw[i]}, outside the range 0..{classes - 1}");
            labels[i] = raw[i];
        }
        // A table of b / 255f keeps every value the correctly rounded quotient (multiplying by 1/255f is not).
        var table = new float[256];
        for (int v = 0; v < 256; v++) table[v] = v / 255f;
        var features = new float[images.Pixels.Length];
        for (int i = 0; i < features.Length; i++) features[i] = table[images.Pixels[i]];
        return new Dataset(imagesPath, features, labels, images.Rows * images.Columns, classes, (images.Rows, images.Columns));
    }

    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in the folder.</summary>
    internal static string Find(string directory, string name)
    {
        string gz = Path.Combine(directory, name + ".gz"), plain = Path.Combine(directory, name);
        if (File.Exists(gz)) return gz;
        if (File.Exists(plain)) return plain;
        throw new DataFormatException(directory, $"missing file {name}.gz (or {name})");
    }

    /// <summary>True when the folder holds all four files.</summary>
    internal static bool IsComplete(string directory) =>
        FileNames.All(n => File.Exists(Path.Combine(directory, n + ".gz")) || File.Exists(Path.Combine(directory, n)));
}
