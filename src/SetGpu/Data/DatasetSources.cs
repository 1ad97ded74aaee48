namespace SetGpu.Data;

/// <summary>How a catalog entry's files are read.</summary>
internal enum SourceFormat { Mat, Idx, Madelon, Synthetic }

/// <summary>
/// One file of a catalog entry: where it lies below a data folder, its name below the download base URL, and the
/// SHA-256 a download must have. <see cref="ContentSha256"/>, for .gz files, is the hash of the decompressed bytes:
/// official archives and our reference copies hold identical data but differ in gzip headers and compression.
/// </summary>
internal sealed record CatalogFile(string Path, string RemoteName, string Sha256, string? ContentSha256 = null);

/// <summary>A dataset the catalog knows by name.</summary>
internal sealed record CatalogEntry(
    string Name,
    string[] Aliases,
    SourceFormat Format,
    string Description,
    CatalogFile[] Files,
    string? BaseUrl = null,
    (int Height, int Width)? ImageShape = null,
    Func<Dataset>? Generate = null,
    ImagePixelOrder PixelOrder = ImagePixelOrder.RowMajor)
{
    public bool HasOfficialTestSplit => Format is SourceFormat.Idx or SourceFormat.Madelon;
}

/// <summary>
/// The datasets SetGpu knows, with file layout (that of the project's shared data folder), download sources and
/// checksums (the values of that folder's SHA256SUMS).
/// </summary>
internal static class DatasetSources
{
    private const string MnistUrl = "https://storage.googleapis.com/cvdf-datasets/mnist/";
    private const string FashionUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    private const string MadelonUrl = "https://archive.ics.uci.edu/ml/machine-learning-databases/madelon/";
    private const string SetRepoUrl =
        "https://raw.githubusercontent.com/dcmocanu/sparse-evolutionary-artificial-neural-networks/master/SET-RBM-Sparse-Python-Data-Structures/data/";

    /// <summary>Fixed generator seed of lung-reference-style, so every run sees the same samples (the split seed varies).</summary>
    private const int LungSeed = 203;

    public static readonly IReadOnlyList<CatalogEntry> Entries =
    [
        new("synthetic", ["default"], SourceFormat.Synthetic,
            "embedded default: make_classification-style, 1500 × 120, 3 classes", [], Generate: () => SyntheticData.Default()),
        new("lung-reference-style", [], SourceFormat.Synthetic,
            "the SET reference's lung-shaped data: class means N(0,1) per feature plus 3·N(0,1) noise, 203 × 3312, classes of 139/17/21/20/6", [],
            Generate: () => SyntheticData.LungReferenceStyle(LungSeed)),
        new("coil20", [], SourceFormat.Mat, "COIL-20 objects, 1440 × 1024 (32×32 images), 20 classes",
            [new("COIL20.mat", "COIL20.mat", "4595ebdda07f47b0eb014fcfaddc22b452f9aed9c1d9261a0d5bc336c1ee1344")],
            SetRepoUrl, (32, 32), PixelOrder: ImagePixelOrder.ColumnMajor), // each row is a MATLAB (column-major) 32×32 image
        new("mnist", [], SourceFormat.Idx, "MNIST digits, 60000 / 10000 × 28×28, 10 classes",
        [
            new("mnist/train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz",
                "db8f937d487057fb14a9f0fbe97f0bc8d311ab41b750d41e1ff37c43b9e55e19", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new("mnist/train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new("mnist/t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "ba05d2d6e06f59dd97d2d5378250478bb5c9b64296a5c2681700569121e3a2d7", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new("mnist/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                "94088eab8a64f51a9b34cc9716f54b6548ef8b2fd16ada6d1575091b933dbf4b", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ], MnistUrl),
        new("fashion-mnist", ["fashion"], SourceFormat.Idx, "Fashion-MNIST clothing, 60000 / 10000 × 28×28, 10 classes",
        [
            new("fashion-mnist/train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz",
                "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new("fashion-mnist/train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new("fashion-mnist/t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new("fashion-mnist/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ], FashionUrl),
        new("madelon", [], SourceFormat.Madelon, "UCI Madelon, train 2000 / valid 600 × 500, 2 classes",
        [
            new("madelon/madelon_train.data", "MADELON/madelon_train.data", "0b6e37711efdc7ab74250c51e7d6966bffd9f8f2b0e9971e882c3a7a380c2314"),
            new("madelon/madelon_train.labels", "MADELON/madelon_train.labels", "10bffcc3b017467cb810d326b931951adcbde2b4870faf981da2991993b48689"),
            new("madelon/madelon_valid.data", "MADELON/madelon_valid.data", "cb9a46475147de1a58d9f15ef4c318e5b85de344e0f9ab92626fa446aa815dc9"),
            // The validation labels were published after the challenge, beside (not inside) the MADELON folder.
            new("madelon/madelon_valid.labels", "madelon_valid.labels", "1aa311db914031ce44fc1dcf00fe4a0c31becb6c5c4e809db7fec13eead58fcc"),
        ], MadelonUrl),
        Asu("isolet", "Isolet.mat", "ea73c69b1342a7def8199458e53a70307a83d557eceb2579863dda57c3ccd2b1", "spoken letters, 1560 × 617, 26 classes"),
        Asu("pcmac", "PCMAC.mat", "9999dfccf97ab88f87127dd3457da436acb75cda9f0af4750e7cae5fe1a31b25", "20-newsgroups text, 1943 × 3289, 2 classes"),
        Asu("basehock", "BASEHOCK.mat", "e0452e0f3c0fefdc5cb6352165e4ba4a25c3a2a7b5a5b4d44e103742d6317aa0", "20-newsgroups text, 1993 × 4862, 2 classes"),
        Asu("relathe", "RELATHE.mat", "1091fe26c721aa69ddc5ce3ebcef54e03565809cae07e1769cef45ad23ab28d0", "20-newsgroups text, 1427 × 4322, 2 classes"),
        Asu("arcene", "arcene.mat", "779d678207b9a8c0ba8f2f5ecdb2216d9f98bf475ab040e806797efd36331bc5", "mass spectra, 200 × 10000, 2 classes"),
        Asu("orl", "ORL.mat", "e257ec36002e48688ed7f3b9fda13f479f2fd98864fa0672d1353eda1912b189", "faces, 400 × 1024 (32×32), 40 classes", (32, 32), ImagePixelOrder.ColumnMajor),
        Asu("yale", "Yale.mat", "cccd29abd2c520dd5cc8ff7645b422c2bdadd59406a6b6a0239143d9d44afcf3", "faces, 165 × 1024 (32×32), 15 classes", (32, 32), ImagePixelOrder.ColumnMajor),
        Asu("glioma", "GLIOMA.mat", "c31cd32edd770c7a102729839e670e588bc959a591e0eae5a0676c9ca11d4c4f", "gene expression, 50 × 4434, 4 classes"),
        Asu("lung_discrete", "lung_discrete.mat", "93c6a65eb1f6f9f95ac897010c337254a57c57e7f8c0c9a7963a0e03de8233f4", "discretised gene expression, 73 × 325, 7 classes"),
        Asu("warppie10p", "warpPIE10P.mat", "0d22b0e4fe224ea7347ae266370b6eb0d724d5fd0ad7da71261a58c24e08c3c2", "faces, 210 × 2420, 10 classes"),
        Asu("pixraw10p", "pixraw10P.mat", "aa4b474244ae847dc2efdc868c0ff58fc3748a830c2ffdf760a1697cf72088f8", "faces, 100 × 10000 (100×100), 10 classes", (100, 100)),
        Asu("madelon-asu", "madelon.mat", "7dc9c9ff8d902651948e2df7f9cb6ed38c5d91e4c4159914cecb1ddbc7def12c", "Madelon train + valid as one MAT file, 2600 × 500, 2 classes"),
    ];

    /// <summary>
    /// scikit-feature (ASU) files: their site is gone, so there is no download source. Their face images (ORL, Yale)
    /// are MATLAB's column-major 32×32 images, as COIL20's: read row-major, the faces lie on their side.
    /// </summary>
    private static CatalogEntry Asu(string name, string file, string sha256, string description, (int, int)? image = null,
                                    ImagePixelOrder order = ImagePixelOrder.RowMajor) =>
        new(name, [], SourceFormat.Mat, $"scikit-feature {description}", [new("asu/" + file, file, sha256)], null, image, PixelOrder: order);

    /// <summary>Lower case without '-', '_' or spaces, so "Fashion_MNIST" and "fashion-mnist" match.</summary>
    public static string Normalize(string name) =>
        new([.. name.ToLowerInvariant().Where(c => c is not ('-' or '_' or ' '))]);

    public static CatalogEntry? Find(string name)
    {
        string key = Normalize(name);
        return Entries.FirstOrDefault(e => Normalize(e.Name) == key || e.Aliases.Any(a => Normalize(a) == key));
    }
}
