using SetGpu.Training;

namespace SetGpu.Cli;

/// <summary>A progress bar during each epoch and one table row after it.</summary>
internal sealed class ConsoleProgress(int epochs) : ITrainingObserver
{
    readonly bool _interactive = !Console.IsErrorRedirected;
    DateTime _lastDraw;

    public static void PrintHeader() =>
        Console.WriteLine($"{"epoch",5}  {"train loss",10}  {"test loss",10}  {"test acc",8}  {"train s",8}  {"evolve s",8}  {"nnz",12}");

    public void OnBatch(int epoch, int done, int total)
    {
        if (!_interactive) return;
        var now = DateTime.UtcNow;
        if (done != total && (now - _lastDraw).TotalMilliseconds < 100) return;
        _lastDraw = now;
        const int width = 30;
        int filled = (int)((long)done * width / total);
        Console.Error.Write($"\repoch {epoch + 1}/{epochs} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} batches");
    }

    public void OnEpoch(EpochRecord r)
    {
        if (_interactive) Console.Error.Write("\r" + new string(' ', 80) + "\r");
        Console.WriteLine($"{r.Epoch + 1,5}  {r.TrainLoss,10:F5}  {r.TestLoss,10:F5}  {r.TestAccuracy,8:P2}  {r.TrainSeconds,8:F3}  {r.EvolutionSeconds,8:F3}  {r.Connections,12:N0}");
    }

    public void OnCheckpoint(string path, int epochs, long bytes, double seconds) =>
        Console.WriteLine($"       checkpoint after epoch {epochs}: {path} ({bytes / 1e6:F1} MB in {seconds:F2} s)");
}
