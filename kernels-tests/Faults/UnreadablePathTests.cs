using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.KernelsTests.Data;
using SetGpu.Training;

namespace SetGpu.KernelsTests.Faults;

/// <summary>
/// A path that is a folder, or missing, given to each reader: its format error naming the path, as for damaged bytes
/// (a folder given as a checkpoint was an UnauthorizedAccessException, a stack trace from the command line).
/// </summary>
public class UnreadablePathTests : IDisposable
{
    readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Readers => ["checkpoint", "report", "mat", "idx", "madelon"];

    static void Read(string reader, string path)
    {
        switch (reader)
        {
            case "checkpoint": TrainingCheckpoint.Load(path); break;
            case "report": TrainingReport.Load(path); break;
            case "mat": MatFile.Read(path); break;
            case "idx": IdxReader.ReadLabels(path); break;
            default: MadelonReader.ReadLabels(path); break;
        }
    }

    static Type FormatError(string reader) => reader switch
    {
        "checkpoint" => typeof(CheckpointFormatException),
        "report" => typeof(ReportFormatException),
        _ => typeof(DataFormatException),
    };

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_folder_or_a_missing_file_is_the_readers_format_error_naming_it(string reader)
    {
        foreach (var path in new[] { _dir.Path, Path.Combine(_dir.Path, "missing.file") })
        {
            var e = Assert.Throws(FormatError(reader), () => Read(reader, path));
            Assert.StartsWith(path + ": ", e.Message);
        }
    }
}
