using Hangfire;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.Notifications.Digests;
using RewardPortal.Core.Retention;
using RewardPortal.Core.Webhooks;
using RewardPortal.Web.Operations;

namespace RewardPortal.Web.Extensions;

internal static class RecurringJobs
{
    /// <summary>Registered once at start with stable ids, so restarts and extra nodes update rather than duplicate them.</summary>
    public static void RegisterRecurringJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<AlertMailer>("alert-mailer", mailer => mailer.SendPendingAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<DigestJob>(DigestJob.RecurringJobId, digests => digests.RunAsync(CancellationToken.None), DigestJob.Schedule);
        jobs.AddOrUpdate<PurgeRunner>(PurgeRunner.RecurringJobId, purge => purge.NightlyAsync(), PurgeRunner.Schedule);
        jobs.AddOrUpdate<WebhookAutoDisableJob>(WebhookAutoDisableJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Hourly());
        app.RegisterScheduledBackup(jobs);
    }
}
