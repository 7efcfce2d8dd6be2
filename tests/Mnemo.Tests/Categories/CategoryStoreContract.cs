using Mnemo.Campaigns;
using Mnemo.Categories;
using Mnemo.Json;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Categories;
using Mnemo.Storage.Erasure;
using Mnemo.Storage.Users;
using Mnemo.Testing;
using Mnemo.Users;

namespace Mnemo.Tests.Categories;

/// <summary>Issue 17: seed 002's category repository — the tree and its rules, factors, assignments — on both backends.</summary>
public abstract class CategoryStoreContract(StoreFixture fixture)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    private CategoryStore Categories => new(fixture.Database);
    private FactorStore Factors => new(fixture.Database);
    private EntityAssignmentStore Assignments => new(fixture.Database);

    private Category Node(string id, string? parentId = null, string type = "topic") => new()
    {
        Id = id, Name = id, Type = type, ParentId = parentId, Description = string.Empty, Metadata = JsonObjects.Empty,
        CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
    };

    private EntityAssignment Assignment(string entityType, string entityId, string categoryId, Dictionary<string, double>? values = null) => new()
    {
        Id = Guid.CreateVersion7(), EntityType = entityType, EntityId = entityId, CategoryId = categoryId,
        FactorValues = values ?? [], CreatedAt = _clock.GetUtcNow(),
    };

    [Fact]
    public async Task A_parent_must_exist_and_a_category_cannot_become_its_own_ancestor()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        Assert.Equal(RegistryOutcome.CategoryMissing, (await Categories.CreateAsync(tenant, Node("orphan", parentId: "nowhere"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Done, (await Categories.CreateAsync(tenant, Node("a"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Done, (await Categories.CreateAsync(tenant, Node("b", "a"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Done, (await Categories.CreateAsync(tenant, Node("c", "b"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Exists, (await Categories.CreateAsync(tenant, Node("c"), None)).Outcome);

        Assert.Equal(RegistryOutcome.Cycle, (await Categories.ReplaceAsync(tenant, Node("a", "c"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Cycle, (await Categories.ReplaceAsync(tenant, Node("a", "a"), None)).Outcome);
        Assert.Equal(RegistryOutcome.CategoryMissing, (await Categories.ReplaceAsync(tenant, Node("a", "nowhere"), None)).Outcome);
        Assert.Equal(RegistryOutcome.NotFound, (await Categories.ReplaceAsync(tenant, Node("nowhere"), None)).Outcome);

        // Moving c to the root, then a under c, is no cycle.
        Assert.Equal(RegistryOutcome.Done, (await Categories.ReplaceAsync(tenant, Node("c"), None)).Outcome);
        var moved = await Categories.ReplaceAsync(tenant, Node("a", "c", type: "industry"), None);
        Assert.Equal(("c", "industry"), (moved.Entry!.ParentId, moved.Entry.Type));
        Assert.Equal(["b"], (await Categories.ListAsync(tenant, new CategoryQuery(null, "a", null, 10), None)).Select(c => c.Id));
        Assert.Equal(["a"], (await Categories.ListAsync(tenant, new CategoryQuery("industry", null, null, 10), None)).Select(c => c.Id));
    }

    [Fact]
    public async Task A_category_with_children_or_assignments_is_deleted_only_with_its_subtree_when_asked()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, NewUser("u-1"), None);
        await Categories.CreateAsync(tenant, Node("root"), None);
        await Categories.CreateAsync(tenant, Node("child", "root"), None);
        await Categories.CreateAsync(tenant, Node("leaf", "child"), None);
        await Categories.CreateAsync(tenant, Node("other"), None);
        await Factors.CreateAsync(tenant, Factor("speed", categoryId: "leaf"), None);
        await Assignments.CreateAsync(tenant, Assignment("user", "u-1", "leaf"), None);
        await Assignments.CreateAsync(tenant, Assignment("user", "u-1", "other"), None);

        Assert.Equal(RegistryOutcome.InUse, await Categories.DeleteAsync(tenant, "root", cascade: false, None));
        Assert.Equal(RegistryOutcome.InUse, await Categories.DeleteAsync(tenant, "leaf", cascade: false, None));
        Assert.Equal(RegistryOutcome.Done, await Categories.DeleteAsync(tenant, "root", cascade: true, None));

        Assert.Equal(["other"], (await Categories.ListAsync(tenant, new CategoryQuery(null, null, null, 10), None)).Select(c => c.Id));
        Assert.Equal(["other"], (await Assignments.ListAsync(tenant, new EntityAssignmentQuery(null, "u-1", null, null, 10), None)).Select(a => a.CategoryId));
        Assert.Null((await Factors.GetAsync(tenant, "speed", None))!.CategoryId);
        Assert.Equal(RegistryOutcome.NotFound, await Categories.DeleteAsync(tenant, "root", cascade: true, None));
        Assert.Equal(RegistryOutcome.Done, await Categories.DeleteAsync(tenant, "other", cascade: true, None));
    }

    [Fact]
    public async Task An_assignment_needs_its_entity_and_category_in_the_tenant_once_each_and_erasure_removes_the_users()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        var other = await TestTenants.CreateAsync(fixture.Database);
        var users = new UserStore(fixture.Database);
        await users.CreateAsync(tenant, NewUser("u-1"), None);
        await users.CreateAsync(other, NewUser("u-2"), None);
        await new CampaignStore(fixture.Database, _clock).CreateAsync(tenant, new Campaign
        {
            Id = "spring", Name = "spring", Status = "active", Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        }, None);
        await Categories.CreateAsync(tenant, Node("vip"), None);
        await Categories.CreateAsync(other, Node("theirs"), None);

        Assert.Equal(RegistryOutcome.EntityMissing, (await Assignments.CreateAsync(tenant, Assignment("user", "u-2", "vip"), None)).Outcome);
        Assert.Equal(RegistryOutcome.EntityMissing, (await Assignments.CreateAsync(tenant, Assignment("campaign", "autumn", "vip"), None)).Outcome);
        Assert.Equal(RegistryOutcome.CategoryMissing, (await Assignments.CreateAsync(tenant, Assignment("user", "u-1", "theirs"), None)).Outcome);
        var first = await Assignments.CreateAsync(tenant, Assignment("user", "u-1", "vip", new() { ["speed"] = 0.5 }), None);
        Assert.Equal(RegistryOutcome.Done, first.Outcome);
        Assert.Equal(RegistryOutcome.Exists, (await Assignments.CreateAsync(tenant, Assignment("user", "u-1", "vip"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Done, (await Assignments.CreateAsync(tenant, Assignment("campaign", "spring", "vip"), None)).Outcome);

        var stored = await Assignments.GetAsync(tenant, first.Entry!.Id, None);
        Assert.Equal(0.5, stored!.FactorValues["speed"]);
        Assert.Null(await Assignments.GetAsync(other, first.Entry.Id, None));
        Assert.Equal(["spring"], (await new CampaignStore(fixture.Database, _clock).ListAsync(tenant, "vip", null, 10, None)).Select(c => c.Id));

        var erased = await new UserEraser(fixture.Database, _clock).EraseAsync(tenant, "u-1", None);
        Assert.Equal(1, erased!["entity_assignments"]);
        Assert.Equal(["campaign"], (await Assignments.ListAsync(tenant, new EntityAssignmentQuery(null, null, "vip", null, 10), None)).Select(a => a.EntityType));
    }

    [Fact]
    public async Task Factors_keep_their_category_and_range_and_are_read_many_at_once()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        Assert.Equal(RegistryOutcome.CategoryMissing, (await Factors.CreateAsync(tenant, Factor("cost", categoryId: "nowhere"), None)).Outcome);
        await Categories.CreateAsync(tenant, Node("money"), None);
        Assert.Equal(RegistryOutcome.Done, (await Factors.CreateAsync(tenant, Factor("cost", categoryId: "money"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Done, (await Factors.CreateAsync(tenant, Factor("ease"), None)).Outcome);
        Assert.Equal(RegistryOutcome.Exists, (await Factors.CreateAsync(tenant, Factor("ease"), None)).Outcome);

        var replaced = await Factors.ReplaceAsync(tenant, Factor("ease", weight: 3, min: -1, max: 1), None);
        Assert.Equal((3d, -1d, 1d), (replaced.Entry!.Weight, replaced.Entry.Min, replaced.Entry.Max));
        Assert.Equal(RegistryOutcome.NotFound, (await Factors.ReplaceAsync(tenant, Factor("nowhere"), None)).Outcome);
        Assert.Equal(["cost"], (await Factors.ListAsync(tenant, "money", null, 10, None)).Select(f => f.Id));
        Assert.Equal(["cost", "ease"], (await Factors.GetManyAsync(tenant, ["ease", "cost", "missing"], None)).Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.True(await Factors.DeleteAsync(tenant, "ease", None));
        Assert.False(await Factors.DeleteAsync(tenant, "ease", None));
    }

    [Fact]
    public async Task A_write_naming_a_factor_deleted_meanwhile_fails_as_a_foreign_key_violation_the_dialect_names()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);
        await new UserStore(fixture.Database).CreateAsync(tenant, NewUser("u-1"), None);
        var extensions = new Mnemo.Storage.Extensions.ExtensionStore(fixture.Database);
        var extension = new Mnemo.Extensions.UserExtension
        {
            Id = Guid.CreateVersion7(), UserId = "u-1", Name = "x", Type = "t", Config = JsonObjects.Empty, Enabled = true, Metadata = JsonObjects.Empty,
            CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
        };
        Assert.True(await extensions.CreateAsync(tenant, extension, None));

        // The request checked the factor, then it was deleted: the write meets the foreign key (answered 409 concurrent_change).
        var failure = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(
            () => extensions.SetFactorsAsync(tenant, "u-1", extension.Id, new Dictionary<string, double> { ["deleted"] = 1 }, None));
        Assert.True(fixture.Database.Dialect.IsForeignKeyViolation(failure));
        Assert.False(fixture.Database.Dialect.IsUniqueViolation(failure));
    }

    private User NewUser(string id) => new() { Id = id, Metadata = JsonObjects.Empty, CreatedAt = _clock.GetUtcNow(), LastSeen = _clock.GetUtcNow() };

    private Factor Factor(string id, string? categoryId = null, double weight = 1, double min = 0, double max = 10) => new()
    {
        Id = id, Name = id, CategoryId = categoryId, Weight = weight, Min = min, Max = max, Description = string.Empty,
        CreatedAt = _clock.GetUtcNow(), UpdatedAt = _clock.GetUtcNow(),
    };
}

public sealed class SqliteCategoryStoreTests(SqliteStoreFixture fixture) : CategoryStoreContract(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresCategoryStoreTests(PostgresStoreFixture fixture) : CategoryStoreContract(fixture), IClassFixture<PostgresStoreFixture>;
