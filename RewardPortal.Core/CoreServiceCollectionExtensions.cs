using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Alerts;
using RewardPortal.Core.ApiKeys;
using RewardPortal.Core.Auditing;
using RewardPortal.Core.Configuration;
using RewardPortal.Core.Dashboard;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Email;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Notifications;
using RewardPortal.Core.Notifications.Digests;
using RewardPortal.Core.Operations;
using RewardPortal.Core.Participants;
using RewardPortal.Core.Protection;
using RewardPortal.Core.Redemptions;
using RewardPortal.Core.Rewards;
using RewardPortal.Core.Seeding;
using RewardPortal.Core.Webhooks;

namespace RewardPortal.Core;

public static class CoreServiceCollectionExtensions
{
    public const string ConnectionStringName = "RewardPortal";
    public const string DefaultSqliteConnectionString = "Data Source=App_Data/rewardportal.db";

    /// <summary>Domain services, the database and mail. <paramref name="contentRoot"/> anchors relative file paths.</summary>
    public static IServiceCollection AddRewardPortalCore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section);
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section);
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ProgramOptions>().BindConfiguration(ProgramOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MoneyFormat>();
        services.AddSingleton<PortalLinks>();

        services.AddDatabase(configuration, contentRoot);
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<KeptReadContexts>();
        services.AddSingleton<WriteTransactions>();
        services.AddMail(contentRoot);
        services.AddScoped<DatabaseInitializer>();
        services.AddScoped<DemoSeeder>();
        services.AddSingleton<NotificationMatcherCache>();
        services.AddSingleton<EventRecorder>();
        services.AddNotificationEngine();
        services.TryAddSingleton<IDeliverySignal, NoDeliverySignal>();
        services.AddSingleton<ParticipantService>();
        services.AddSingleton<ParticipantQueries>();
        services.AddSingleton<ParticipantImportService>();
        services.AddSingleton<RewardService>();
        services.AddSingleton<Campaigns.CampaignService>();
        services.AddSingleton<VoucherPoolService>();
        services.AddSingleton<UserAdministrationService>();
        services.AddSingleton<MyAccountService>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddHostedService<ApiKeyUsageWriter>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<LowStockMonitor>();
        services.AddSingleton<AlertMailer>();
        services.AddSingleton<DigestJob>();
        services.AddSingleton<Retention.RetentionService>();
        services.AddSingleton<Retention.DataPurge>();
        services.AddSingleton<Retention.PurgeRunner>();
        services.AddSingleton<RedemptionService>();
        services.AddSingleton<RedemptionDecisionService>();
        services.AddSingleton<PortalQueries>();
        services.AddSingleton<RedemptionQueries>();
        services.AddSingleton<RedemptionCsvExport>();
        // Transient, as NotificationService: it keeps nothing between calls, so a component injects it.
        services.AddTransient<EventExampleSender>();
        services.AddSingleton<DeliveryBacklog>();
        services.AddMetrics();
        services.AddSingleton<PortalMetrics>();
        services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new BackupFolder(Path.GetFullPath(sp.GetRequiredService<IOptions<BackupOptions>>().Value.Directory, contentRoot)));
        services.AddSingleton<DatabaseBackup>();
        return services;
    }

    private static void AddDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var provider = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:RewardPortal is empty.");
            services.AddMasterKey(configuration, contentRoot, Path.Combine(contentRoot, "App_Data"));
            var tuned = PostgresConnectionString.Tuned(connectionString);
            services.AddPooledDbContextFactory<PostgresRewardPortalDbContext>(
                (sp, o) => o.UseNpgsql(tuned).UseSecretProtection(sp.GetRequiredService<SecretCipher>()));
            services.AddProviderContexts<PostgresRewardPortalDbContext>(options => new PostgresRewardPortalDbContext(options));
        }
        else
        {
            var sqlite = SqliteConnectionString(connectionString ?? DefaultSqliteConnectionString, contentRoot);
            var dataSource = new SqliteConnectionStringBuilder(sqlite).DataSource;
            var dataFolder = Path.IsPathRooted(dataSource) ? Path.GetDirectoryName(dataSource)! : Path.Combine(contentRoot, "App_Data");
            services.AddMasterKey(configuration, contentRoot, dataFolder);
            services.AddPooledDbContextFactory<SqliteRewardPortalDbContext>((sp, o) => PlainSqliteConnection.Use(o.UseSqlite(sqlite))
                .AddInterceptors(new SqliteBusyWaitInterceptor(), new KeptCommandInterceptor()).UseSecretProtection(sp.GetRequiredService<SecretCipher>()));
            services.AddProviderContexts<SqliteRewardPortalDbContext>(options => new SqliteRewardPortalDbContext(options));
        }
    }

    /// <summary>
    /// The provider's contexts as the app asks for them: from the pool, as setting up a context costs more than a short
    /// query (the factory, and one per scope for Identity), and made new for the owners that give one a connection of its own.
    /// </summary>
    private static void AddProviderContexts<TContext>(this IServiceCollection services, Func<DbContextOptions<TContext>, TContext> create)
        where TContext : RewardPortalDbContext
    {
        services.AddSingleton<IDbContextFactory<RewardPortalDbContext>>(sp => new ProviderDbContextFactory<TContext>(
            sp.GetRequiredService<IDbContextFactory<TContext>>(), () => create(sp.GetRequiredService<DbContextOptions<TContext>>())));
        services.AddScoped<RewardPortalDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
    }

    /// <summary>
    /// Anchors a relative database file to the content root, creates it and its folder readable by the app's user only
    /// (SQLite gives its -wal and -shm files the database's mode), and waits for locks instead of failing.
    /// </summary>
    internal static string SqliteConnectionString(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            OwnerOnly.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
            OwnerOnly.CreateFile(builder.DataSource);
            OwnerOnly.TightenFile(builder.DataSource);
        }
        if (builder.DefaultTimeout == 30)
            builder.DefaultTimeout = 60;
        return builder.ToString();
    }

    private static void AddMail(this IServiceCollection services, string contentRoot) =>
        services.AddSingleton<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>();
            return string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
                ? new PickupDirectoryMailTransport(Path.GetFullPath(options.Value.PickupDirectory, contentRoot))
                : new SmtpMailTransport(options);
        });
}
