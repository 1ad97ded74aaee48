using System.Diagnostics;
using System.Globalization;
using System.Text;
using SetGpu.Data;

namespace SetGpu.Bench;

/// <summary>
/// How fast a user's data file loads and how much memory it takes (docs/bench/data-loading.md): <c>data-load FILE</c>
/// times <see cref="DataFiles.Load"/> and reports the peak resident memory against the size of the float32 matrix it
/// builds; <c>data-csv FILE ROWS COLUMNS</c> writes a random CSV to load (features with 4 decimals, a 10-class label).
/// </summary>
internal static class DataLoadBench
{
    public static void Load(string path)
    {
        long before = ProcessMemory.ResidentAfterCollect();
        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        var data = DataFiles.Load(path);
        double seconds = clock.Elapsed.TotalSeconds;
        long peak = ProcessMemory.Peak();
        long bytes = Directory.Exists(path) ? 0 : path.Split(',').Sum(p => new FileInfo(p).Length);
        long matrix = data.Features.LongLength * sizeof(float);
        Console.WriteLine($"{string.Join(',', path.Split(',').Select(Path.GetFileName))}: {bytes / 1e9:F2} GB file, {data.Samples} rows × {data.FeatureCount} features, {data.Classes} classes");
        Console.WriteLine($"  load {seconds:F2} s: {data.Samples / seconds:N0} rows/s, {bytes / 1e6 / seconds:F0} MB/s of file");
        Console.WriteLine($"  resident before {before / 1e6:F0} MB, peak {peak / 1e6:F0} MB; the float32 matrix is {matrix / 1e6:F0} MB " +
                          $"(peak − before = {(peak - before) / (double)matrix:F2} × the matrix)");
        GC.KeepAlive(data);
    }

    public static void WriteCsv(string path, int rows, int columns)
    {
        var rng = new Random(1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Enumerable.Range(0, columns).Select(c => $"f{c}")));
        writer.Write(",label\n");
        Span<char> cell = stackalloc char[32];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                float v = (float)(rng.NextDouble() * 20 - 10);
                v.TryFormat(cell, out int n, "F4", CultureInfo.InvariantCulture);
                writer.Write(cell[..n]);
                writer.Write(',');
            }
            writer.Write(rng.Next(10).ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
        Console.WriteLine($"{path}: {rows} rows × {columns} features + label, {new FileInfo(path).Length / 1e9:F2} GB");
    }
}
