using RewardPortal.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddRewardPortal();

var app = builder.Build();
await app.InitializeDatabaseAsync();
app.UseRewardPortal();
app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
