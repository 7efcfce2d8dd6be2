using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mnemo.Campaigns;
using Mnemo.Categories;
using Mnemo.Users;

namespace Mnemo.Server.Tests;

/// <summary>Issue 17: seed 002's category repository over HTTP, through the typed client.</summary>
public abstract class CategoryApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    [Fact]
    public async Task The_tree_refuses_missing_parents_and_cycles_and_deletes_in_use_categories_only_with_cascade()
    {
        var (_, client) = await _server.NewTenantAsync();
        var root = await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "industry", Name = "Industry", Type = "industry" });
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "retail", Name = "Retail", Type = "industry", ParentId = "industry" });
        var made = await client.Categories.CreateAsync(new CreateCategoryRequest { Name = "Shoes", Type = "industry", ParentId = "retail" });

        Assert.Equal(("industry", (string?)null), (root.Id, root.ParentId));
        Assert.True(Guid.TryParse(made.Id, out _), "an id is made when none is given");
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "category_not_found",
            () => client.Categories.CreateAsync(new CreateCategoryRequest { Name = "x", Type = "t", ParentId = "nowhere" }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => client.Categories.CreateAsync(new CreateCategoryRequest { Id = "retail", Name = "x", Type = "t" }));
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "category_cycle",
            () => client.Categories.ReplaceAsync("industry", new ReplaceCategoryRequest { Name = "Industry", Type = "industry", ParentId = made.Id }));
        Assert.Equal(["retail"], (await client.Categories.ListAsync(parentId: "industry")).Categories.Select(c => c.Id));

        await Expect.ProblemAsync(HttpStatusCode.Conflict, "category_in_use", () => client.Categories.DeleteAsync("industry"));
        await client.Categories.DeleteAsync("industry", cascade: true);
        Assert.Empty((await client.Categories.ListAsync()).Categories);
    }

    [Fact]
    public async Task Assignments_need_their_entity_category_and_valid_factor_values_and_filter_campaigns()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "spring" });
        await client.Campaigns.CreateAsync(new CreateCampaignRequest { Id = "autumn" });
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "vip", Name = "VIP", Type = "segment" });
        await client.Categories.CreateFactorAsync(new CreateFactorRequest { Id = "loyalty", Name = "Loyalty", Weight = 2, Min = 0, Max = 5 });

        var assigned = await client.Categories.AssignAsync(new CreateEntityAssignmentRequest
        {
            EntityType = "user", EntityId = "ada", CategoryId = "vip", FactorValues = new Dictionary<string, double> { ["loyalty"] = 4 },
        });
        await client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "campaign", EntityId = "spring", CategoryId = "vip" });

        Assert.Equal(4, (await client.Categories.GetAssignmentAsync(assigned.Id)).FactorValues["loyalty"]);
        await Expect.ProblemAsync(HttpStatusCode.Conflict, "already_exists",
            () => client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "user", EntityId = "ada", CategoryId = "vip" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "entity_not_found",
            () => client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "user", EntityId = "grace", CategoryId = "vip" }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "category_not_found",
            () => client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "user", EntityId = "ada", CategoryId = "nowhere" }));
        var invalid = await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed", () => client.Categories.AssignAsync(new CreateEntityAssignmentRequest
        {
            EntityType = "campaign", EntityId = "autumn", CategoryId = "vip", FactorValues = new Dictionary<string, double> { ["loyalty"] = 6, ["unknown"] = 1 },
        }));
        Assert.Contains("factor_values.loyalty", invalid.Problem!.Errors!.Keys);
        Assert.Contains("factor_values.unknown", invalid.Problem.Errors.Keys);

        Assert.Equal(["spring"], (await client.Campaigns.ListAsync(categoryId: "vip")).Campaigns.Select(c => c.Id));
        Assert.Equal(2, (await client.Campaigns.ListAsync()).Campaigns.Count);
        Assert.Equal(["ada"], (await client.Categories.ListAssignmentsAsync(entityType: "user")).Assignments.Select(a => a.EntityId));

        await client.Users.EraseAsync("ada");
        Assert.Equal(["campaign"], (await client.Categories.ListAssignmentsAsync(categoryId: "vip")).Assignments.Select(a => a.EntityType));
        await client.Categories.UnassignAsync((await client.Categories.ListAssignmentsAsync()).Assignments[0].Id);
        Assert.Empty((await client.Categories.ListAssignmentsAsync()).Assignments);
    }

    [Fact]
    public async Task Another_tenant_sees_none_of_it_and_a_read_key_cannot_write()
    {
        var (_, owner) = await _server.NewTenantAsync();
        var (_, stranger) = await _server.NewTenantAsync();
        var (_, reader) = await _server.NewTenantAsync("read");
        await owner.Categories.CreateAsync(new CreateCategoryRequest { Id = "mine", Name = "Mine", Type = "t" });
        await owner.Categories.CreateFactorAsync(new CreateFactorRequest { Id = "f", Name = "F", Weight = 1, Min = 0, Max = 1 });

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Categories.GetAsync("mine"));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Categories.DeleteAsync("mine", cascade: true));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Categories.GetFactorAsync("f"));
        Assert.Empty((await stranger.Categories.ListAsync()).Categories);
        Assert.Empty((await stranger.Categories.ListFactorsAsync()).Factors);
        await Expect.ProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope",
            () => reader.Categories.CreateAsync(new CreateCategoryRequest { Name = "x", Type = "t" }));
        Assert.Equal("mine", (await owner.Categories.GetAsync("mine")).Id);
    }

    [Fact]
    public async Task Factors_need_a_range_and_a_weight_and_lists_hold_at_most_the_seeds_page_size()
    {
        var (_, client) = await _server.NewTenantAsync();
        var factor = await client.Categories.CreateFactorAsync(new CreateFactorRequest { Name = "Cost", Weight = 0.5, Min = -1, Max = 1, Description = "d" });
        var replaced = await client.Categories.ReplaceFactorAsync(factor.Id, new ReplaceFactorRequest { Name = "Cost", Weight = 3, Min = 0, Max = 100 });

        Assert.Equal((3d, 0d, 100d, string.Empty), (replaced.Weight, replaced.Min, replaced.Max, replaced.Description));
        var refused = await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Categories.CreateFactorAsync(new CreateFactorRequest { Name = "Bad", Weight = -1, Min = 5, Max = 5 }));
        Assert.Equal(["max", "weight"], refused.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "category_not_found",
            () => client.Categories.CreateFactorAsync(new CreateFactorRequest { Name = "C", Weight = 1, Min = 0, Max = 1, CategoryId = "nowhere" }));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed", () => client.Categories.ListAsync(limit: 101));
        await client.Categories.DeleteFactorAsync(factor.Id);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Categories.GetFactorAsync(factor.Id));
    }

    [Fact]
    public async Task The_seeds_get_categories_succeeds_with_a_key_as_its_bearer_token()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "seeded", Name = "Seeded", Type = "t" });

        // Seed 002's client function, as written: GET /api/v1/categories with "Authorization: Bearer {auth_token}".
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/categories");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.ApiKey);
        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("seeded", json.RootElement.GetProperty("categories")[0].GetProperty("id").GetString());
    }
}

public sealed class SqliteCategoryApiTests(SqliteServerFixture fixture) : CategoryApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCategoryApiTests(PostgresServerFixture fixture) : CategoryApiTests(fixture), IClassFixture<PostgresServerFixture>;
