using Microsoft.Extensions.DependencyInjection;

namespace RewardPortal.Core.Webhooks;

public static class WebhookHealthServiceCollectionExtensions
{
    public static IServiceCollection AddWebhookHealth(this IServiceCollection services)
    {
        services.AddSingleton<WebhookHealthQueries>();
        services.AddSingleton<WebhookRecovery>();
        services.AddTransient<WebhookAutoDisableJob>();
        return services;
    }
}
