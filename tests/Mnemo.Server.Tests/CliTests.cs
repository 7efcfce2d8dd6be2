using Mnemo.Server.Cli;

namespace Mnemo.Server.Tests;

public sealed class CliTests : IAsyncLifetime
{
    private string[] _store = [];

    public async Task InitializeAsync()
    {
        var storage = await TestStores.CreateEmptyAsync(Backend.Sqlite);
        _store = ["--provider", storage.ProviderName, "--connection-string", storage.ConnectionString];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MnemoCli.RunAsync([.. args, .. _store], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Migrate_then_doctor_report_a_healthy_store()
    {
        Assert.Equal(0, (await RunAsync("migrate")).Exit);
        var doctor = await RunAsync("doctor");

        Assert.Equal(0, doctor.Exit);
        Assert.Contains("checksums match", doctor.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_says_what_is_wrong_with_the_configuration()
    {
        using var output = new StringWriter();
        var exit = await MnemoCli.RunAsync(["doctor", "--provider", "oracle"], output, TextWriter.Null);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL configuration", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Systems_are_defined_assigned_and_configured_in_revisions()
    {
        Assert.Equal(0, (await RunAsync("tenants", "create", "acme")).Exit);
        Assert.Equal(0, (await RunAsync("systems", "create", "crm", "--type", "crm")).Exit);
        Assert.Equal(1, (await RunAsync("systems", "create", "crm", "--type", "crm")).Exit);
        Assert.Equal(2, (await RunAsync("systems", "create", "not an id", "--type", "crm")).Exit);
        Assert.Contains("crm\tcrm\tcrm", (await RunAsync("systems", "list")).Out, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("systems", "assign", "acme", "crm")).Exit);
        Assert.Equal(1, (await RunAsync("systems", "assign", "acme", "crm", "--version", "1.0.0")).Exit);
        Assert.Equal(1, (await RunAsync("systems", "assign", "nobody", "crm")).Exit);

        Assert.Contains("revision 1", (await RunAsync("systems", "config", "crm", "--set", """{"theme":"dark"}""")).Out, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("systems", "config", "crm", "--set", "[1]")).Exit);
        Assert.Contains("""revision 1	{"theme":"dark"}""", (await RunAsync("systems", "config", "crm")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenants_and_keys_are_created_listed_and_revoked()
    {
        Assert.Equal(0, (await RunAsync("tenants", "create", "acme", "--name", "Acme")).Exit);
        Assert.Equal(1, (await RunAsync("tenants", "create", "acme")).Exit);
        Assert.Equal(2, (await RunAsync("tenants", "create", "Not A Slug")).Exit);
        Assert.Contains("acme\tactive\tAcme", (await RunAsync("tenants", "list")).Out, StringComparison.Ordinal);

        var key = await RunAsync("keys", "create", "acme", "--name", "ci", "--scopes", "read,admin");
        Assert.Equal(0, key.Exit);
        Assert.Contains("key mk_", key.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("keys", "create", "acme", "--name", "ci", "--scopes", "root")).Exit);
        var keyId = key.Out.Split('\n')[0]["id ".Length..].Trim();
        Assert.Equal(0, (await RunAsync("keys", "revoke", "acme", keyId)).Exit);
        Assert.Equal(1, (await RunAsync("keys", "revoke", "acme", keyId)).Exit);
    }

    [Fact]
    public async Task Import_reports_bad_lines_by_number_and_imports_the_rest_then_export_and_erase()
    {
        await RunAsync("tenants", "create", "acme");
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file,
        [
            """{"user_id":"u1","role":"user","content":"hello"}""",
            """{"user_id":"u1","role":"wizard","content":"x"}""",
            "not json",
            """{"user_id":"u1","role":"assistant","content":"hi there","idempotency_key":"k1"}""",
        ]);

        var import = await RunAsync("import", "acme", file);
        var again = await RunAsync("import", "acme", file);
        var export = await RunAsync("users", "export", "acme", "u1");
        var csv = await RunAsync("users", "export", "acme", "u1", "--format", "csv");
        var erase = await RunAsync("users", "erase", "acme", "u1");

        Assert.Equal(1, import.Exit);
        Assert.Contains("imported 2 messages", import.Out, StringComparison.Ordinal);
        Assert.Contains("line 2: role", import.Error, StringComparison.Ordinal);
        Assert.Contains("line 3: not valid JSON", import.Error, StringComparison.Ordinal);
        Assert.Contains("imported 2 messages", again.Out, StringComparison.Ordinal);
        Assert.Equal(0, export.Exit);
        using var document = System.Text.Json.JsonDocument.Parse(export.Out);
        Assert.Equal(3, document.RootElement.GetProperty("messages").GetArrayLength()); // the keyed line was not imported twice
        Assert.StartsWith("id,seq,created_at", csv.Out, StringComparison.Ordinal);
        Assert.Contains("\"messages\":3", erase.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("users", "erase", "acme", "u1")).Exit);
        Assert.Equal(1, (await RunAsync("users", "export", "acme", "u1")).Exit);
    }

    [Fact]
    public async Task Import_refuses_nul_lone_surrogates_and_duplicate_fields_as_the_http_api_does()
    {
        await RunAsync("tenants", "create", "nul-import");
        var file = Path.GetTempFileName();
        await File.WriteAllLinesAsync(file,
        [
            """{"user_id":"u1","role":"user","content":"a\u0000b"}""",
            """{"user_id":"u1","role":"user","content":"x","metadata":{"k":"a\u0000b"}}""",
            """{"user_id":"u1","role":"user","role":"assistant","content":"x"}""",
            """{"user_id":"u1","role":"user","content":"fine"}""",
            """{"user_id":"u1","role":"user","content":"bad \ud800 x"}""",
        ]);

        var import = await RunAsync("import", "nul-import", file);

        Assert.Equal(1, import.Exit);
        Assert.Contains("imported 1 messages", import.Out, StringComparison.Ordinal);
        Assert.Contains("line 1: content contains a character that cannot be stored", import.Error, StringComparison.Ordinal);
        Assert.Contains("line 2: metadata.k contains a character that cannot be stored", import.Error, StringComparison.Ordinal);
        Assert.Contains("line 3: role is given more than once", import.Error, StringComparison.Ordinal);
        Assert.Contains("line 5: content contains a character that cannot be stored", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_runs_and_unknown_commands_are_usage_errors()
    {
        var retention = await RunAsync("retention", "run");

        Assert.Equal(0, retention.Exit);
        Assert.Contains("\"messages\":0", retention.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync("frobnicate")).Exit);
        Assert.Equal(2, (await RunAsync("users", "export", "acme", "u1", "--format", "xml")).Exit);
    }
}
