namespace SetGpu.OnnxTests.Support;

/// <summary>A fresh folder under the system temp folder, removed with its files on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("setgpu-onnx-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } // best effort: a leftover temp folder harms nothing
    }
}
