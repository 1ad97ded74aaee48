using SetGpu.Data;
using SetGpu.KernelsTests.Support;

namespace SetGpu.KernelsTests.Data.Files;

/// <summary>Files NumPy itself writes (np.save, np.savez, np.savez_compressed) load as NumPy holds them.</summary>
public class NumpyReferenceTests
{
    /// <summary>Runs a NumPy script in <paramref name="folder"/> (skipped, with the reason, where NumPy is missing).</summary>
    static void Python(string folder, string script)
    {
        string python = Requirement.Numpy.Require();
        var (code, output) = Programs.Run(python, "-c", $"import numpy as np, os; os.chdir({Quote(folder)}); " + script);
        Assert.True(code == 0, output);
    }

    static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    // 5 × 4 features with fractions, negatives and one large value; labels 7, 3, 3, 9, 7 → classes 1, 0, 0, 2, 1.
    const string Data = "X = np.array([[0.5,-1,2,3],[4,5.25,-6,7],[8,9,10,1e6],[-0.125,0,1,2],[3,3,3,3]]); y = np.array([7,3,3,9,7]); ";
    static readonly float[] Expected = [0.5f, -1, 2, 3, 4, 5.25f, -6, 7, 8, 9, 10, 1e6f, -0.125f, 0, 1, 2, 3, 3, 3, 3];

    [SkippableTheory]
    [InlineData("float32")]
    [InlineData("float64")]
    public void SavezAndSavezCompressed_EveryFloatType(string dtype)
    {
        using var tmp = new TempDir();
        Python(tmp.Path, Data + $"np.savez('s.npz', X=X.astype('{dtype}'), y=y); np.savez_compressed('c.npz', X=X.astype('{dtype}'), y=y.astype('int32'))");
        foreach (string name in new[] { "s.npz", "c.npz" })
        {
            var d = DataFiles.Load(tmp.File(name));
            Assert.Equal(Expected, d.Features);
            Assert.Equal([1, 0, 0, 2, 1], d.Labels);
        }
    }

    [SkippableTheory]
    [InlineData("int32")]
    [InlineData("int64")]
    [InlineData("uint8")]
    public void NpySave_IntegerTypes_AndFortranOrder(string dtype)
    {
        using var tmp = new TempDir();
        Python(tmp.Path, $"X = np.arange(20).reshape(5, 4).astype('{dtype}'); np.save('X.npy', X); np.save('y.npy', np.array([1,0,1,0,1], dtype='{dtype}')); " +
                         "np.save('X_f.npy', np.asfortranarray(X)); np.save('y_f.npy', np.array([1,0,1,0,1]))");
        var c = DataFiles.Load(tmp.File("X.npy"));
        var f = DataFiles.Load(tmp.File("X_f.npy"));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (float)i), c.Features);
        Assert.Equal(c.Features, f.Features);
        Assert.Equal([1, 0, 1, 0, 1], f.Labels);
    }

    [SkippableFact]
    public void BigEndianFromNumpy_IsRefused()
    {
        using var tmp = new TempDir();
        Python(tmp.Path, Data + "np.savez('b.npz', X=X.astype('>f4'), y=y)");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(tmp.File("b.npz")));
        Assert.Equal($"{tmp.File("b.npz")} [X.npy]: big-endian array (dtype '>f4'); SetGpu reads little-endian: save arr.astype('<f4')", e.Message);
    }

    [SkippableFact]
    public void ObjectArrayFromNumpy_IsRefused()
    {
        using var tmp = new TempDir();
        Python(tmp.Path, Data + "np.savez('o.npz', X=X, y=np.array(['a','b','a','b','a'], dtype=object))");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.Load(tmp.File("o.npz")));
        Assert.StartsWith($"{tmp.File("o.npz")} [y.npy]: an object array", e.Message);
    }
}
