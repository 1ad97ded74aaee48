using SetGpu.Checkpoints;
using SetGpu.Data;
using SetGpu.Gpu;
using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>
/// Turns the errors a user can cause (bad options, files, data, devices) into one line on stderr and exit code 2, and
/// an interruption (Ctrl+C) into exit code 130, a failed write (disk full) into one line and exit code 2: never a stack trace.
/// </summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (InvalidSpecException e)
        {
            Console.Error.WriteLine($"error: {OptionNames.Of(e.Field)}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or DataFormatException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidDataException or CheckpointFormatException or ReportFormatException
                                      or TrainingDivergedException or DeviceUnavailableException
                                      or InsufficientDeviceMemoryException or Distributed.MpiUnavailableException
                                      or Distributed.DistributedMismatchException or Distributed.RankFailedException or NotSupportedException
                                      or NetworkTooLargeException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (IOException e)
        {
            // A full disk or a vanished folder while saving: the saves are atomic, so the previous file is intact.
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OutOfMemoryException))
        {
            // A parallel loop's allocation failed: the same one line as below, not the loop's stack trace.
            Console.Error.WriteLine($"error: out of memory ({e.InnerExceptions[0].Message.TrimEnd('.')})");
            return 3;
        }
        catch (OutOfMemoryException e)
        {
            Console.Error.WriteLine($"error: out of memory ({e.Message.TrimEnd('.')})");
            return 3;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return 130;
        }
    }
}
