using System.Net;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Deliveries.Engine;
using RewardPortal.Core.Deliveries.Jobs;
using RewardPortal.Core.Email;
using RewardPortal.Core.Email.Templates;
using RewardPortal.Core.Notifications.Management;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core;

public static class NotificationEngineServiceCollectionExtensions
{
    /// <summary>
    /// The notification engine's services. The host decides where the dispatcher runs: add it as a hosted service on
    /// nodes that run background work (<c>services.AddHostedService(sp => sp.GetRequiredService&lt;DeliveryDispatcher&gt;())</c>).
    /// </summary>
    public static IServiceCollection AddNotificationEngine(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddHttpClient<WebhookSender>(client =>
            {
                // The sender enforces Webhooks:Timeout per attempt itself.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookSender.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var guard = sp.GetRequiredService<WebhookAddressGuard>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    // A proxy would make the connection for us, out of reach of the address check.
                    UseProxy = false,
                    UseCookies = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectCallback = guard.ConnectAsync,
                    ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                    // Unread answers are drained for reuse only when small; a huge one just closes the connection.
                    MaxResponseDrainSize = 64 * 1024,
                    ResponseDrainTimeout = TimeSpan.FromSeconds(1),
                };
            })
            // Connections are renewed by PooledConnectionLifetime; no per-request logging at thousands a second.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        services.AddSingleton<RetryPolicy>();
        services.AddSingleton<NotificationEmailComposer>();
        services.AddSingleton<DeliveryFailureAlerts>();
        services.AddSingleton<DeliveryJobScheduler>();
        services.AddSingleton<IRetryWakeUps>(sp => sp.GetRequiredService<DeliveryJobScheduler>());
        services.AddSingleton<DeliveryDispatcher>();
        services.AddSingleton<IDeliverySignal, DeliverySignal>();
        services.AddSingleton<DeliveryLog>();
        // Transient: they keep nothing between calls, so a component injects them rather than opening a scope per operation.
        services.AddTransient<NotificationService>();
        services.AddTransient<RedeliveryService>();
        services.AddWebhookHealth();
        services.AddTransient<EmailTemplateService>();
        return services;
    }
}
