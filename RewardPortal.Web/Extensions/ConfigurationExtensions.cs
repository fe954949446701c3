using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace RewardPortal.Web.Extensions;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// The operator's one settings file lives at the repository root and is copied beside the binaries.
    /// It is read after the framework's own appsettings sources and before environment variables, so those still override it.
    /// </summary>
    public static void AddRootAppSettings(this WebApplicationBuilder builder)
    {
        // Development conveniences, below every file and variable so that any of them can turn them off.
        if (builder.Environment.IsDevelopment())
        {
            builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?> { ["Seed:Demo"] = "true", ["Webhooks:AllowPrivateNetworks"] = "true" },
            });
        }

        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var contentRootFile = Path.Combine(builder.Environment.ContentRootPath, "appsettings.json");
        if (!File.Exists(file) || Path.GetFullPath(file) == Path.GetFullPath(contentRootFile))
            return;

        var sources = builder.Configuration.Sources;
        var after = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is JsonConfigurationSource).i;
        var source = new JsonConfigurationSource { Path = file, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(after + 1, source);
    }
}
