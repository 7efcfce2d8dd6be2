using System.Net;
using System.Text.Json;
using Mnemo.Categories;
using Mnemo.Extensions;
using Mnemo.Users;

namespace Mnemo.Server.Tests;

/// <summary>Issue 17: seed 002's user extensions over HTTP, through the typed client.</summary>
public abstract class ExtensionApiTests(ServerFixture fixture)
{
    private readonly MnemoTestServer _server = fixture.Server;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task An_extension_belongs_to_an_existing_user_changes_in_part_and_goes_with_its_assignments()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => client.Extensions.CreateAsync("nobody", new CreateExtensionRequest { Name = "x", Type = "t" }));
        Assert.Null(await Record.ExceptionAsync(() => client.Users.GetAsync("ada")));

        var created = await client.Extensions.CreateAsync("ada", new CreateExtensionRequest
        {
            Name = "Calendar", Type = "integration", Config = Json("""{"calendar":"work"}"""), Metadata = Json("""{"source":"store"}"""),
        });
        Assert.Equal((true, (double?)null, "work"), (created.Enabled, created.Practicality, created.Config.GetProperty("calendar").GetString()));

        var updated = await client.Extensions.UpdateAsync("ada", created.Id, new UpdateExtensionRequest { Enabled = false });
        Assert.Equal(("Calendar", false, "work"), (updated.Name, updated.Enabled, updated.Config.GetProperty("calendar").GetString()));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed", () => client.Extensions.UpdateAsync("ada", created.Id, new UpdateExtensionRequest()));
        Assert.Equal([created.Id], (await client.Extensions.ListAsync("ada")).Extensions.Select(e => e.Id));

        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "tools", Name = "Tools", Type = "t" });
        await client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "extension", EntityId = created.Id.ToString(), CategoryId = "tools" });
        await client.Extensions.DeleteAsync("ada", created.Id);
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Extensions.GetAsync("ada", created.Id));
        Assert.Empty((await client.Categories.ListAssignmentsAsync(categoryId: "tools")).Assignments);
    }

    [Fact]
    public async Task Metrics_are_recorded_one_or_many_and_read_as_points_buckets_and_a_summary_per_name()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        var extension = await client.Extensions.CreateAsync("ada", new CreateExtensionRequest { Name = "Calendar", Type = "integration" });
        var hour = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

        await client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest { Name = "calls", Value = 1, RecordedAt = hour.AddMinutes(5) });
        await client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest
        {
            Metrics =
            [
                new MetricInput { Name = "calls", Value = 4, RecordedAt = hour.AddMinutes(30) },
                new MetricInput { Name = "calls", Value = 2, RecordedAt = hour.AddHours(1).AddMinutes(1) },
                new MetricInput { Name = "latency_ms", Value = 120, RecordedAt = hour.AddMinutes(10) },
            ],
        });

        var all = await client.Extensions.GetMetricsAsync("ada", extension.Id);
        Assert.Equal(4, all.Points!.Count);
        var calls = Assert.Single(all.Summary, s => s.Name == "calls");
        Assert.Equal((3L, 7d, 1d, 4d, 2d), (calls.Count, calls.Sum, calls.Min, calls.Max, calls.Last));

        var hourly = await client.Extensions.GetMetricsAsync("ada", extension.Id, name: "calls", bucket: "hour");
        Assert.Null(hourly.Points);
        Assert.Equal([(hour, 2L, 5d), (hour.AddHours(1), 1L, 2d)], hourly.Buckets!.Select(b => (b.BucketStart!.Value, b.Count, b.Sum)));

        var firstHour = await client.Extensions.GetMetricsAsync("ada", extension.Id, from: hour, to: hour.AddHours(1));
        Assert.Equal(3, firstHour.Points!.Count);
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed", () => client.Extensions.GetMetricsAsync("ada", extension.Id, bucket: "week"));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest { Name = "calls" }));
        await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest { Name = "calls", Value = 1, RecordedAt = DateTimeOffset.UtcNow.AddHours(1) }));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found",
            () => client.Extensions.RecordMetricsAsync("ada", Guid.NewGuid(), new RecordMetricsRequest { Name = "calls", Value = 1 }));
    }

    [Fact]
    public async Task Practicality_is_the_registry_weighted_mean_of_factors_in_range()
    {
        var (_, client) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        var extension = await client.Extensions.CreateAsync("ada", new CreateExtensionRequest { Name = "Calendar", Type = "integration" });
        await client.Categories.CreateFactorAsync(new CreateFactorRequest { Id = "ease", Name = "Ease", Weight = 3, Min = 0, Max = 10 });
        await client.Categories.CreateFactorAsync(new CreateFactorRequest { Id = "cost", Name = "Cost", Weight = 1, Min = 0, Max = 10 });

        var set = await client.Extensions.SetFactorsAsync("ada", extension.Id, new Dictionary<string, double> { ["ease"] = 8, ["cost"] = 4 });

        Assert.Equal(7, set.Practicality); // (3 × 8 + 1 × 4) / (3 + 1)
        Assert.Equal(7, (await client.Extensions.GetAsync("ada", extension.Id)).Practicality);
        var refused = await Expect.ProblemAsync(HttpStatusCode.BadRequest, "validation_failed",
            () => client.Extensions.SetFactorsAsync("ada", extension.Id, new Dictionary<string, double> { ["ease"] = 11, ["speed"] = 1 }));
        Assert.Equal(["factors.ease", "factors.speed"], refused.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(7, (await client.Extensions.GetFactorsAsync("ada", extension.Id)).Practicality);

        // The weights are the registry's, as they are now.
        await client.Categories.ReplaceFactorAsync("cost", new ReplaceFactorRequest { Name = "Cost", Weight = 3, Min = 0, Max = 10 });
        Assert.Equal(6, (await client.Extensions.GetAsync("ada", extension.Id)).Practicality);
        await client.Extensions.SetFactorsAsync("ada", extension.Id, new Dictionary<string, double>());
        Assert.Null((await client.Extensions.GetAsync("ada", extension.Id)).Practicality);
    }

    [Fact]
    public async Task Another_tenant_sees_none_and_export_and_erasure_cover_extensions()
    {
        var (_, client) = await _server.NewTenantAsync();
        var (_, stranger) = await _server.NewTenantAsync();
        await client.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        await stranger.Users.CreateAsync(new CreateUserRequest { Id = "ada" });
        var extension = await client.Extensions.CreateAsync("ada", new CreateExtensionRequest { Name = "Calendar", Type = "integration" });
        await client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest { Name = "calls", Value = 5 });
        // Two thousand more, each thousand at one instant: the export pages through ties on the timestamp.
        for (var batch = 0; batch < 2; batch++)
        {
            await client.Extensions.RecordMetricsAsync("ada", extension.Id, new RecordMetricsRequest
            {
                Metrics = [.. Enumerable.Range(0, 1000).Select(_ => new MetricInput { Name = "calls", Value = 1 })],
            });
        }
        await client.Categories.CreateFactorAsync(new CreateFactorRequest { Id = "ease", Name = "Ease", Weight = 1, Min = 0, Max = 10 });
        await client.Extensions.SetFactorsAsync("ada", extension.Id, new Dictionary<string, double> { ["ease"] = 9 });
        await client.Categories.CreateAsync(new CreateCategoryRequest { Id = "tools", Name = "Tools", Type = "t" });
        await client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "user", EntityId = "ada", CategoryId = "tools" });
        await client.Categories.AssignAsync(new CreateEntityAssignmentRequest { EntityType = "extension", EntityId = extension.Id.ToString().ToUpperInvariant(), CategoryId = "tools" });

        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Extensions.GetAsync("ada", extension.Id));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => stranger.Extensions.DeleteAsync("ada", extension.Id));
        Assert.Empty((await stranger.Extensions.ListAsync("ada")).Extensions);

        using var export = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/users/ada/export") { Headers = { { "X-API-Key", client.ApiKey } } });
        using var document = JsonDocument.Parse(await export.Content.ReadAsStringAsync());
        var exported = Assert.Single(document.RootElement.GetProperty("extensions").EnumerateArray());
        Assert.Equal(extension.Id.ToString(), exported.GetProperty("extension").GetProperty("id").GetString());
        Assert.Equal(9, exported.GetProperty("factors").GetProperty("ease").GetDouble());
        Assert.Equal(5, exported.GetProperty("metrics")[0].GetProperty("value").GetDouble());
        Assert.Equal(2001, exported.GetProperty("metrics").GetArrayLength());
        Assert.Equal(["user", "extension"], document.RootElement.GetProperty("entity_assignments").EnumerateArray().Select(a => a.GetProperty("entity_type").GetString()));

        var erased = await client.Users.EraseAsync("ada");
        Assert.Equal((1L, 2001L, 1L), (erased.Deleted["extensions"], erased.Deleted["extension_metrics"], erased.Deleted["extension_factors"]));
        await Expect.ProblemAsync(HttpStatusCode.NotFound, "not_found", () => client.Extensions.ListAsync("ada"));
        Assert.Equal(2, erased.Deleted["entity_assignments"]);
        Assert.Empty((await client.Categories.ListAssignmentsAsync(categoryId: "tools")).Assignments);
    }
}

public sealed class SqliteExtensionApiTests(SqliteServerFixture fixture) : ExtensionApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresExtensionApiTests(PostgresServerFixture fixture) : ExtensionApiTests(fixture), IClassFixture<PostgresServerFixture>;
