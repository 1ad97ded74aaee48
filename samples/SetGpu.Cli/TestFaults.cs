using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// Fault injection for the tests of the run's error paths (an allocation that fails in the middle of a run): unset
/// outside the tests, and unreachable from the command line.
/// </summary>
internal static class TestFaults
{
    /// <summary>Called with each finished epoch's record before it is shown; an exception it returns is thrown there.</summary>
    internal static Func<EpochRecord, Exception?>? AfterEpoch { get; set; }

    /// <summary><paramref name="progress"/>, behind <see cref="AfterEpoch"/> when a test set it.</summary>
    public static IProgress<EpochRecord> Around(IProgress<EpochRecord> progress) =>
        AfterEpoch is not { } fault ? progress : new Faulty(progress, fault);

    sealed class Faulty(IProgress<EpochRecord> inner, Func<EpochRecord, Exception?> fault) : IProgress<EpochRecord>
    {
        public void Report(EpochRecord value)
        {
            if (fault(value) is { } e) throw e;
            inner.Report(value);
        }
    }
}
