namespace SetGpu.Data;

/// <summary>How the pixels of an image sample are laid out in its feature vector.</summary>
public enum ImagePixelOrder
{
    /// <summary>Row after row: pixel (row, column) is feature row·width + column (MNIST, Fashion-MNIST).</summary>
    RowMajor,
    /// <summary>
    /// Column after column: pixel (row, column) is feature column·height + row. MATLAB files store images this way
    /// (COIL20.mat): each sample is an image flattened in MATLAB's column-major order.
    /// </summary>
    ColumnMajor,
}

/// <summary>Index arithmetic for <see cref="ImagePixelOrder"/>.</summary>
public static class ImagePixels
{
    /// <summary>The feature index of pixel (<paramref name="row"/>, <paramref name="column"/>) of a height × width image.</summary>
    public static int FeatureIndex(ImagePixelOrder order, int height, int width, int row, int column) =>
        order == ImagePixelOrder.ColumnMajor ? column * height + row : row * width + column;
}
