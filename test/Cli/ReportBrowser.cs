using Microsoft.Playwright;

namespace MlNetTriplet.Cli.Tests;

/// <summary>Opens a report in Debian's headless Chromium (installed by test.sh) with a fresh profile and the flags that
/// keep it off the network, and checks what a reader would see.</summary>
internal static class ReportBrowser
{
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>Loads <paramref name="reportPath"/>, asserts that every section in <paramref name="sectionIds"/> is
    /// there with a heading, that every image decoded (and there are at least <paramref name="minImages"/>), that the
    /// page asked for nothing but itself and data URIs, and that each section in <paramref name="sectionsWithImages"/>
    /// shows at least one image; saves a full-page screenshot beside the report.</summary>
    public static void AssertRenders(string reportPath, IReadOnlyList<string> sectionIds, int minImages,
        IReadOnlyList<string>? sectionsWithImages = null)
    {
        string html = File.ReadAllText(reportPath);
        Assert.IsFalse(html.Contains("http://", StringComparison.OrdinalIgnoreCase) || html.Contains("https://", StringComparison.OrdinalIgnoreCase),
            "the report names an external address");
        Assert.IsTrue(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (./test.sh does).");
        RunAsync(reportPath, sectionIds, minImages, sectionsWithImages ?? []).GetAwaiter().GetResult();
    }

    private static async Task RunAsync(string reportPath, IReadOnlyList<string> sectionIds, int minImages,
        IReadOnlyList<string> sectionsWithImages)
    {
        string profile = CliData.TempDirectory();
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
            {
                ExecutablePath = Chromium, Headless = true, ViewportSize = new() { Width = 1280, Height = 900 },
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync();
            var requests = new List<string>();
            page.Request += (_, request) => requests.Add(request.Url);
            string url = new Uri(reportPath).AbsoluteUri;
            await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });

            foreach (string id in sectionIds)
                Assert.AreEqual(1, await page.Locator($"section#{id} > h2").CountAsync(), $"section '{id}' with a heading");
            foreach (string id in sectionsWithImages)
                Assert.IsGreaterThanOrEqualTo(1, await page.Locator($"section#{id} img").CountAsync(), $"images in section '{id}'");
            int images = await page.EvaluateAsync<int>("() => document.images.length");
            var broken = await page.EvaluateAsync<string[]>(
                "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt)");
            Assert.IsEmpty(broken, "images that did not decode: " + string.Join("; ", broken));
            Assert.IsGreaterThanOrEqualTo(minImages, images, "images in the report");
            var outside = requests.Where(r => r != url && !r.StartsWith("data:", StringComparison.Ordinal)).ToList();
            Assert.IsEmpty(outside, "the page asked for: " + string.Join(", ", outside));
            await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(reportPath, ".png"), FullPage = true });
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
