using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RewardPortal.Core.Operations;

namespace RewardPortal.Web.Operations;

/// <summary>
/// OpenTelemetry, only where something reads it: a Prometheus scrape endpoint (<c>Metrics:Prometheus</c>) and OTLP
/// export of metrics and traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables apply).
/// Otherwise nothing listens, and the app's instruments cost next to nothing.
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddRewardPortalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var metrics = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (!metrics.Prometheus && !otlp)
            return;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: "RewardPortal", serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithMetrics(m =>
            {
                m.AddMeter(PortalMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation();
                if (metrics.Prometheus)
                    m.AddPrometheusExporter();
            });
        if (otlp)
        {
            // The app's source carries the redemption's span and one "deliver" span per attempt, a child of the trace the
            // event was recorded in. The HTTP client's own spans are left out: under a send span they would only double it.
            telemetry.WithTracing(t => t.AddSource(PortalMetrics.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(
                        o => o.Filter = c => !c.Request.Path.StartsWithSegments("/healthz") && !c.Request.Path.StartsWithSegments("/_blazor")))
                .UseOtlpExporter();
        }
    }

    /// <summary>The backlog gauges, and <c>/metrics</c> when Metrics:Prometheus is on.</summary>
    public static void MapRewardPortalMetrics(this WebApplication app)
    {
        var metrics = app.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        if (metrics.Prometheus || !string.IsNullOrWhiteSpace(app.Configuration[OtlpEndpointVariable]))
            app.Services.GetRequiredService<PortalMetrics>().ObserveBacklog(app.Services.GetRequiredService<DeliveryBacklog>());
        if (metrics.Prometheus)
            app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
    }
}
