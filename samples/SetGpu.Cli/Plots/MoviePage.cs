using System.Net;
using System.Text;

namespace SetGpu.Cli.Plots;

/// <summary>
/// One self-contained HTML page that plays PNG frames: the frames are embedded as base64 data URLs (no other file, no
/// network), with play/pause, a slider and the caption of the frame shown. It starts playing on load and loops.
/// </summary>
internal static class MoviePage
{
    public static void Write(string path, string title, IReadOnlyList<byte[]> frames, IReadOnlyList<string> captions,
                             string alt = "first-layer connections per input pixel")
    {
        if (frames.Count == 0 || frames.Count != captions.Count) throw new ArgumentException("movie: frames and captions must be as many, and at least one");
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>
              body { font-family: sans-serif; margin: 24px; background: #fafafa; color: #222; }
              h1 { font-size: 18px; font-weight: 600; }
              #frame { display: block; border: 1px solid #ccc; background: #fff; }
              .controls { display: flex; align-items: center; gap: 12px; margin-top: 10px; width: 560px; }
              #slider { flex: 1; }
              button { min-width: 72px; padding: 4px 10px; }
              #caption { margin-top: 8px; font-size: 14px; }
            </style>
            </head>
            <body>
            <h1>{{WebUtility.HtmlEncode(title)}}</h1>
            <img id="frame" width="560" height="520" alt="{{WebUtility.HtmlEncode(alt)}}" src="data:image/png;base64,{{Convert.ToBase64String(frames[0])}}">
            <div class="controls">
              <button id="play" type="button">Pause</button>
              <input id="slider" type="range" min="0" max="{{frames.Count - 1}}" value="0" step="1" aria-label="frame">
              <span id="counter">1 / {{frames.Count}}</span>
            </div>
            <div id="caption">{{WebUtility.HtmlEncode(captions[0])}}</div>
            <script>
            const frames = [

            """);
        foreach (var frame in frames) html.Append("\"data:image/png;base64,").Append(Convert.ToBase64String(frame)).Append("\",\n");
        html.Append("];\nconst captions = ").Append(System.Text.Json.JsonSerializer.Serialize(captions)).Append(";\n");
        html.Append("""
            const img = document.getElementById("frame"), slider = document.getElementById("slider");
            const caption = document.getElementById("caption"), counter = document.getElementById("counter");
            const button = document.getElementById("play");
            let index = 0, timer = null;
            function show(i) {
              index = i;
              img.src = frames[i];
              slider.value = i;
              caption.textContent = captions[i];
              counter.textContent = (i + 1) + " / " + frames.length;
            }
            function schedule() {
              // A longer look at the last frame before the movie starts over.
              timer = setTimeout(() => { show(index + 1 < frames.length ? index + 1 : 0); schedule(); },
                                 index + 1 < frames.length ? 600 : 2000);
            }
            function play() { schedule(); button.textContent = "Pause"; }
            function pause() { clearTimeout(timer); timer = null; button.textContent = "Play"; }
            button.addEventListener("click", () => timer ? pause() : play());
            slider.addEventListener("input", () => { pause(); show(Number(slider.value)); });
            play();
            </script>
            </body>
            </html>

            """);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, html.ToString());
    }
}
