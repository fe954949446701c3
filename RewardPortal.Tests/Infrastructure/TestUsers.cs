using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RewardPortal.Core.Data;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;

namespace RewardPortal.Tests.Infrastructure;

public static class TestUsers
{
    public const string Password = "Test-Passw0rd!";

    /// <summary>Creates a user in a role (a participant also gets its Participant row) and returns the user's id.</summary>
    public static Task<string> CreateUserAsync(this PortalFactory factory, string email, string role, long points = 0) =>
        CreateUserAsync(factory.Services, email, role, points: points);

    /// <summary>
    /// The one way the tests make a user, in a hosted app or a component test's services: in a role, with
    /// <see cref="Password"/>; a participant also gets its Participant row. An email already taken returns that user.
    /// </summary>
    public static async Task<string> CreateUserAsync(IServiceProvider services, string email, string role, string name = "", long points = 0)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is { } existing)
            return existing.Id;
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = name.Length > 0 ? name : email.Split('@')[0], CreatedAt = DateTime.UtcNow,
        };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddToRoleAsync(user, role));
        if (role == Roles.Participant)
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<RewardPortalDbContext>>().CreateDbContextAsync();
            db.Participants.Add(
                new Participant { Name = user.DisplayName, Email = email, UserId = user.Id, PointsBalance = points, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        return user.Id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
