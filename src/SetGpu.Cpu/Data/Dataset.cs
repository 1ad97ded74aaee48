namespace SetGpu.Data;

/// <summary>
/// A labelled classification dataset held in memory: features row-major (sample × feature) as float32,
/// labels as class indices 0..Classes-1.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a dataset and checks it: shapes agree, labels are in range, no feature is NaN or infinite.</summary>
    /// <param name="name">Where the data came from (a file path or a generator name); used in every error message.</param>
    /// <param name="features">Row-major samples × featureCount values.</param>
    /// <param name="labels">One class index per sample, in 0..classes-1.</param>
    /// <param name="featureCount">Features per sample.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="imageShape">Height and width when every sample is an image, else null.</param>
    /// <param name="pixelOrder">How an image's pixels are laid out in the features (ignored without an image shape).</param>
    public Dataset(string name, float[] features, int[] labels, int featureCount, int classes,
                   (int Height, int Width)? imageShape = null, ImagePixelOrder pixelOrder = ImagePixelOrder.RowMajor)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (featureCount <= 0) throw new DataFormatException(name, $"feature count must be positive, got {featureCount}");
        if (classes < 2) throw new DataFormatException(name, $"a classification dataset needs at least 2 classes, got {classes}");
        if (labels.Length == 0) throw new DataFormatException(name, "the dataset has no samples");
        if ((long)labels.Length * featureCount != features.LongLength)
            throw new DataFormatException(name,
                $"shape mismatch: {labels.Length} labels but {features.LongLength} feature values " +
                $"({features.LongLength / (double)featureCount:0.##} samples of {featureCount} features)");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new DataFormatException(name, $"label of sample {i} is {labels[i]}, outside 0..{classes - 1}");
        for (long i = 0; i < features.LongLength; i++)
            if (!float.IsFinite(features[i]))
                throw new DataFormatException(name,
                    $"feature {i % featureCount} of sample {i / featureCount} is {features[i]} (not a finite number)");
        if (imageShape is { } s && s.Height * s.Width != featureCount)
            throw new DataFormatException(name, $"image shape {s.Height}x{s.Width} does not match {featureCount} features");

        Name = name;
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
        Classes = classes;
        ImageShape = imageShape;
        PixelOrder = pixelOrder;
    }

    /// <summary>Where the data came from (a file path or a generator name).</summary>
    public string Name { get; }
    /// <summary>Row-major samples × <see cref="FeatureCount"/> values.</summary>
    public float[] Features { get; }
    /// <summary>Class index of every sample.</summary>
    public int[] Labels { get; }
    /// <summary>Number of samples.</summary>
    public int Samples => Labels.Length;
    /// <summary>Features per sample.</summary>
    public int FeatureCount { get; }
    /// <summary>Number of classes.</summary>
    public int Classes { get; }
    /// <summary>Height and width when every sample is an image, else null.</summary>
    public (int Height, int Width)? ImageShape { get; }
    /// <summary>How an image's pixels are laid out in the features (meaningful with <see cref="ImageShape"/>).</summary>
    public ImagePixelOrder PixelOrder { get; }

    /// <summary>The features of one sample.</summary>
    public ReadOnlySpan<float> Sample(int index) => Features.AsSpan(index * FeatureCount, FeatureCount);

    /// <summary>A new dataset made of the given samples, in the given order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var features = new float[(long)indices.Count * FeatureCount];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Sample(indices[i]).CopyTo(features.AsSpan(i * FeatureCount, FeatureCount));
            labels[i] = Labels[indices[i]];
        }
        return new Dataset(name ?? Name, features, labels, FeatureCount, Classes, ImageShape, PixelOrder);
    }

    /// <summary>Samples per class.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }
}

/// <summary>A train/test pair of the same problem.</summary>
/// <param name="Train">Samples the network learns from; standardisation statistics come from here.</param>
/// <param name="Test">Held-out samples for evaluation.</param>
public sealed record DatasetSplit(Dataset Train, Dataset Test);
