using RewardPortal.Web.Extensions;
using RewardPortal.Web.Operations;

var builder = WebApplication.CreateBuilder(args);
builder.AddRewardPortal();

var app = builder.Build();
if (await app.TryRunBackupAsync(args) is { } exitCode)
    return exitCode;
await app.InitializeDatabaseAsync();
app.UseRewardPortal();
app.Run();
return 0;

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
