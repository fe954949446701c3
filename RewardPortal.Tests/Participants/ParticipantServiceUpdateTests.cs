using Microsoft.EntityFrameworkCore;
using RewardPortal.Core.Common;
using RewardPortal.Core.Data;
using RewardPortal.Core.Deliveries;
using RewardPortal.Core.Events;
using RewardPortal.Core.Identity;
using RewardPortal.Core.Participants;
using RewardPortal.Tests.Infrastructure;

namespace RewardPortal.Tests.Participants;

public sealed class ParticipantServiceUpdateTests : IDisposable
{
    private const string Actor = "admin@test.local";
    private readonly SqliteTestDatabase database = new();
    private readonly ParticipantService participants;

    public ParticipantServiceUpdateTests() =>
        participants = new ParticipantService(database, new WriteTransactions(database, new SqliteWriteGate()), new EventRecorder(TimeProvider.System),
            new NoDeliverySignal(), TimeProvider.System);

    public void Dispose() => database.Dispose();

    private static NewParticipant Ada(string email = "ada@example.com") => new()
    {
        Name = "Ada Lovelace", Email = email,
        Address = new PostalAddress { Line1 = "12 St James's Square", City = "London", Country = "GB" },
        CustomFields = new() { ["T-shirt size"] = "M" },
    };

    [Fact]
    public async Task UpdatingChangesTheDetailsAndAuditsWhatChanged()
    {
        var created = await participants.CreateAsync(Ada(), Actor);
        var changed = Ada();
        changed.Name = "Ada King";
        changed.Address = new PostalAddress { Line1 = "  Ockham Park ", City = "Surrey", Country = "GB" };
        changed.CustomFields = new() { ["T-shirt size"] = "L", ["Team"] = "Maths" };

        await participants.UpdateAsync(created.Id, changed, Actor);

        await using var db = database.CreateDbContext();
        var stored = await db.Participants.SingleAsync();
        Assert.Equal(("Ada King", "Ockham Park", "L", "Maths"), (stored.Name, stored.Address.Line1, stored.CustomFields["T-shirt size"],
            stored.CustomFields["Team"]));
        var audit = await db.AuditEntries.OrderBy(a => a.Id).LastAsync();
        Assert.Equal("participant.updated", audit.Action);
        Assert.Equal("name: Ada Lovelace -> Ada King; address; custom fields", audit.Details);
    }

    [Fact]
    public async Task ChangingTheEmailAlsoChangesTheSignInOfALinkedUser()
    {
        var created = await participants.CreateAsync(Ada(), Actor);
        await using (var db = database.CreateDbContext())
        {
            db.Users.Add(TestData.User("ada@example.com", id: "user-1"));
            await db.SaveChangesAsync();
            await db.Participants.ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, "user-1"));
        }

        await participants.UpdateAsync(created.Id, Ada("ada.king@example.com"), Actor);

        await using var check = database.CreateDbContext();
        var user = await check.Users.SingleAsync();
        Assert.Equal(("ada.king@example.com", "ADA.KING@EXAMPLE.COM", "ADA.KING@EXAMPLE.COM"), (user.Email, user.NormalizedEmail, user.NormalizedUserName));
        Assert.Equal("ada.king@example.com", (await check.Participants.SingleAsync()).Email);
    }

    [Theory]
    [InlineData("grace@example.com")]
    [InlineData("GRACE@example.com")]
    public async Task AnotherParticipantsEmailIsRefusedOnTheEmailField(string email)
    {
        await participants.CreateAsync(Ada("grace@example.com"), Actor);
        var ada = await participants.CreateAsync(Ada(), Actor);

        var error = await Assert.ThrowsAsync<PortalException>(() => participants.UpdateAsync(ada.Id, Ada(email), Actor));

        Assert.Equal("email", error.Field);
    }

    [Fact]
    public async Task CreatingWithAnEmailThatDiffersOnlyInCaseIsAConflict()
    {
        await participants.CreateAsync(Ada(), Actor);

        var error = await Assert.ThrowsAsync<PortalException>(() => participants.CreateAsync(Ada("ADA@Example.com"), Actor));

        Assert.Equal(PortalErrorKind.Conflict, error.Kind);
    }

    [Theory]
    [InlineData("", "name")]
    [InlineData("not-an-email", "email")]
    public async Task InvalidDetailsNameTheField(string value, string field)
    {
        var created = await participants.CreateAsync(Ada(), Actor);
        var changed = Ada();
        if (field == "name") changed.Name = value; else changed.Email = value;

        var error = await Assert.ThrowsAsync<PortalException>(() => participants.UpdateAsync(created.Id, changed, Actor));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task AnOverlongAddressIsRefusedOnTheAddressField()
    {
        var changed = Ada();
        changed.Address.City = new string('x', 201);

        var error = await Assert.ThrowsAsync<PortalException>(() => participants.CreateAsync(changed, Actor));

        Assert.Equal("address", error.Field);
    }

    [Fact]
    public async Task SuspendingAndReinstatingAreAuditedOnce()
    {
        var created = await participants.CreateAsync(Ada(), Actor);

        await participants.SetSuspendedAsync(created.Id, true, Actor);
        await participants.SetSuspendedAsync(created.Id, true, Actor);
        await using (var db = database.CreateDbContext())
            Assert.True((await db.Participants.SingleAsync()).IsSuspended);
        await participants.SetSuspendedAsync(created.Id, false, Actor);

        await using var check = database.CreateDbContext();
        Assert.False((await check.Participants.SingleAsync()).IsSuspended);
        Assert.Equal(["participant.created", "participant.suspended", "participant.unsuspended"],
            await check.AuditEntries.OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        var missing = await Assert.ThrowsAsync<PortalException>(() => participants.SetSuspendedAsync(999, true, Actor));
        Assert.Equal(PortalErrorKind.NotFound, missing.Kind);
    }
}
