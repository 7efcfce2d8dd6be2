using System.CommandLine;
using System.IO.Pipelines;
using System.Text.Json;
using ModelContextProtocol.Client;
using Mnemo.ApiKeys;
using Mnemo.Erasure;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Retention;
using Mnemo.Server.Hosting;
using Mnemo.Server.Mcp;
using Mnemo.Server.Privacy;
using Mnemo.Server.Recall;
using Mnemo.Storage;
using Mnemo.Storage.Migrations;
using Mnemo.Tenants;
using Mnemo.Time;
using Mnemo.Validation;

namespace Mnemo.Server.Cli;

/// <summary>The command tree. Each command reads the same configuration as the server.</summary>
internal static class Commands
{
    private static readonly Option<string?> ProviderOption = new("--provider") { Description = "sqlite or postgres (overrides Mnemo__Storage__Provider)", Recursive = true };
    private static readonly Option<string?> ConnectionOption = new("--connection-string") { Description = "overrides Mnemo__Storage__ConnectionString", Recursive = true };

    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Mnemo: user context and conversation memory server. With no command, or 'serve', runs the server.");
        root.Options.Add(ProviderOption);
        root.Options.Add(ConnectionOption);
        root.Subcommands.Add(new Command("serve", "Run the HTTP server (the default)."));
        root.Subcommands.Add(Migrate(console));
        root.Subcommands.Add(Tenants(console));
        root.Subcommands.Add(Keys(console));
        root.Subcommands.Add(Retention(console));
        root.Subcommands.Add(Users(console));
        root.Subcommands.Add(SystemCommands.Build(console));
        root.Subcommands.Add(Import(console));
        root.Subcommands.Add(Search(console));
        root.Subcommands.Add(Mcp(console));
        root.Subcommands.Add(Doctor(console));
        return root;
    }

    private static Command Migrate(CliConsole console)
    {
        var command = new Command("migrate", "Apply the schema migrations.");
        command.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var version = await services.GetRequiredService<MigrationRunner>().ApplyAsync(token);
            await console.Out.WriteLineAsync($"schema at version {version}");
            return 0;
        }, cancellationToken, migrate: false));
        return command;
    }

    private static Command Tenants(CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "the tenant's slug" };
        var name = new Option<string?>("--name") { Description = "display name" };
        var create = new Command("create", "Create a tenant.") { id, name };
        create.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var tenantId = parse.GetValue(id)!;
            if (!Identifiers.IsTenantId(tenantId))
            {
                await console.Error.WriteLineAsync($"mnemo: tenant id {Identifiers.TenantIdRule}");
                return 2;
            }
            var now = services.GetRequiredService<TimeProvider>().GetUtcNowMicroseconds();
            var tenant = new Tenant { Id = tenantId, Name = parse.GetValue(name) ?? tenantId, Status = TenantStatus.Active, Settings = new TenantSettings(), CreatedAt = now, UpdatedAt = now };
            var databaseId = await services.GetRequiredService<Placement.TenantPlacement>().ChooseForNewTenantAsync(null, token);
            if (!await services.GetRequiredService<ITenantStore>().CreateAsync(tenant, databaseId, token))
            {
                await console.Error.WriteLineAsync($"mnemo: tenant '{tenantId}' exists already");
                return 1;
            }
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(tenant, MnemoJsonContext.Default.Tenant));
            return 0;
        }, cancellationToken));
        var list = new Command("list", "List tenants.");
        list.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            string? after = null;
            while (await services.GetRequiredService<ITenantStore>().ListAsync(after, 200, token) is { Count: > 0 } page)
            {
                foreach (var tenant in page)
                {
                    await console.Out.WriteLineAsync($"{tenant.Id}\t{tenant.Status}\t{tenant.Name}");
                }
                after = page[^1].Id;
            }
            return 0;
        }, cancellationToken));
        return new Command("tenants", "Manage tenants.") { create, list };
    }

    private static Command Keys(CliConsole console)
    {
        var tenant = new Argument<string>("tenant") { Description = "the tenant" };
        var name = new Option<string>("--name") { Description = "what the key is for", Required = true };
        var scopes = new Option<string>("--scopes") { Description = "comma-separated: read,write,admin", DefaultValueFactory = _ => "read,write" };
        var create = new Command("create", "Create an API key; its secret is printed once.") { tenant, name, scopes };
        create.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var requested = parse.GetValue(scopes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (requested.Length == 0 || requested.Any(scope => !ApiKeyScopes.IsKnown(scope)))
            {
                await console.Error.WriteLineAsync("mnemo: --scopes takes read, write and admin");
                return 2;
            }
            var (secret, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.TenantMarker);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNowMicroseconds();
            var key = new ApiKey
            {
                Id = Guid.CreateVersion7(now), TenantId = parse.GetValue(tenant)!, Name = parse.GetValue(name)!, Prefix = prefix,
                Scopes = [.. ApiKeyScopes.All.Where(requested.Contains)], CreatedAt = now,
            };
            if (!await services.GetRequiredService<IApiKeyStore>().CreateAsync(key, ApiKeySecrets.Hash(secret), token))
            {
                await console.Error.WriteLineAsync($"mnemo: tenant '{key.TenantId}' does not exist");
                return 1;
            }
            await console.Out.WriteLineAsync($"id {key.Id}");
            await console.Out.WriteLineAsync($"key {secret}");
            return 0;
        }, cancellationToken));
        var keyId = new Argument<Guid>("key-id") { Description = "the key's id" };
        var revoke = new Command("revoke", "Revoke an API key at once.") { tenant, keyId };
        revoke.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            if (!await services.GetRequiredService<IApiKeyStore>().RevokeAsync(parse.GetValue(tenant)!, parse.GetValue(keyId), token))
            {
                await console.Error.WriteLineAsync("mnemo: no such key");
                return 1;
            }
            await console.Out.WriteLineAsync("revoked");
            return 0;
        }, cancellationToken));
        return new Command("keys", "Manage API keys.") { create, revoke };
    }

    private static Command Retention(CliConsole console)
    {
        var run = new Command("run", "Run one retention pass now.");
        run.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var counts = await services.GetRequiredService<IRetentionEngine>().RunPassAsync($"cli/{Environment.ProcessId}", token);
            if (counts is null)
            {
                await console.Error.WriteLineAsync("mnemo: another node is running a retention pass");
                return 1;
            }
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(counts, MnemoJsonContext.Default.RetentionCounts));
            return 0;
        }, cancellationToken));
        return new Command("retention", "Retention.") { run };
    }

    private static Command Search(CliConsole console)
    {
        var tenant = new Argument<string>("tenant");
        var user = new Argument<string>("user");
        var question = new Argument<string>("question");
        var mode = new Option<string?>("--mode") { Description = "hybrid, semantic or keyword (default: hybrid when a model is configured)" };
        mode.AcceptOnlyFromAmong([.. MessageSearch.Modes]);
        var limit = new Option<int>("--limit") { DefaultValueFactory = _ => 10 };
        var find = new Command("find", "Search a user's messages; prints the results as JSON.") { tenant, user, question, mode, limit };
        find.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var search = services.GetRequiredService<MessageSearch>();
            // The command line waits for the model rather than answer by keyword alone.
            if (services.GetRequiredService<Embeddings>().Enabled)
            {
                await services.GetRequiredService<Embeddings>().LoadedAsync(token);
            }
            var outcome = await search.SearchAsync(parse.GetValue(tenant)!, parse.GetValue(user)!, parse.GetValue(question)!, parse.GetValue(mode),
                Mnemo.Recall.RecallFilter.None, 0, Math.Clamp(parse.GetValue(limit), 1, 200), token);
            var response = new SearchResponse { Results = outcome.Results, Mode = outcome.Mode, Semantic = outcome.Semantic };
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(response, MnemoJsonContext.Default.SearchResponse));
            return 0;
        }, cancellationToken));

        var only = new Option<string?>("--tenant") { Description = "only this tenant (default: every tenant)" };
        var reindex = new Command("reindex", "Embed every message that has no vector of the configured model; resumable, with progress.") { only };
        reindex.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var embeddings = services.GetRequiredService<Embeddings>();
            if (embeddings.Model is not { } model)
            {
                await console.Error.WriteLineAsync("mnemo: semantic recall is off (Mnemo__Embeddings__Provider=none)");
                return 1;
            }
            var queued = await services.GetRequiredService<Mnemo.Recall.IRecallStore>().EnqueueMissingAsync(parse.GetValue(only), model, token);
            await console.Out.WriteLineAsync($"{queued} messages queued for {model}");
            var indexer = services.GetRequiredService<EmbeddingIndexer>();
            var done = 0L;
            while (await indexer.IndexOnceAsync(token) is var claimed and > 0)
            {
                done += claimed;
                await console.Out.WriteLineAsync($"{done} embedded");
            }
            return 0;
        }, cancellationToken));
        return new Command("search", "Recall: search messages, rebuild vectors.") { find, reindex };
    }

    private static Command Mcp(CliConsole console)
    {
        var tenant = new Option<string?>("--tenant") { Description = "serve this store's tools for this tenant, with every scope" };
        var url = new Option<string?>("--url") { Description = $"forward to this Mnemo server's /mcp instead, with the key in {McpForwarding.KeyVariable}" };
        var command = new Command("mcp", "Serve the MCP tools over stdio (for desktop clients that start a process): this store's for one tenant, or a Mnemo server's.")
        {
            tenant, url,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (tenantId, address) = (parse.GetValue(tenant), parse.GetValue(url));
            if ((tenantId is null) == (address is null))
            {
                await console.Error.WriteLineAsync("mnemo: give --tenant (this store) or --url (a Mnemo server), one of them");
                return 2;
            }
            Uri? server = null;
            if (address is not null && !(Uri.TryCreate(address, UriKind.Absolute, out server) && server.Scheme is "http" or "https"))
            {
                await console.Error.WriteLineAsync($"mnemo: --url must be an http or https address, not '{address}'");
                return 2;
            }
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            // Standard output carries the protocol alone: every log line goes to standard error.
            builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
            var mcp = builder.Services.AddMcpServer().WithStdioServerTransport();
            if (server is not null)
            {
                return await ForwardAsync(console, builder, mcp, server, cancellationToken);
            }
            if (await SettingsAsync(parse, console) is not { } settings)
            {
                return 2;
            }
            builder.Services.AddMnemoCore(settings);
            builder.Services.AddHostedService(provider => provider.GetRequiredService<EmbeddingIndexer>());
            builder.Services.AddSingleton(new McpLocalCaller(tenantId!));
            using var host = builder.Build();
            try
            {
                await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
                if (await host.Services.GetRequiredService<ITenantStore>().GetAsync(tenantId!, cancellationToken) is null)
                {
                    await console.Error.WriteLineAsync($"mnemo: tenant '{tenantId}' does not exist (create it with 'mnemo tenants create {tenantId}')");
                    return 1;
                }
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or MigrationChecksumException or TimeoutException or IOException)
            {
                await console.Error.WriteLineAsync($"mnemo: {exception.Message}");
                return 1;
            }
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task<int> ForwardAsync(CliConsole console, HostApplicationBuilder builder, IMcpServerBuilder mcp, Uri server, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(McpForwarding.KeyVariable) is not { Length: > 0 } key)
        {
            await console.Error.WriteLineAsync($"mnemo: set {McpForwarding.KeyVariable} to a key (or user token) of {server}");
            return 2;
        }
        McpClient remote;
        try
        {
            remote = await McpForwarding.ConnectAsync(server, key, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or ModelContextProtocol.McpException or TimeoutException)
        {
            await console.Error.WriteLineAsync($"mnemo: cannot reach {McpForwarding.Endpoint(server)}: {exception.Message}");
            return 1;
        }
        await using (remote)
        {
            mcp.ForwardTo(remote);
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
        }
        return 0;
    }

    private static Command Users(CliConsole console)
    {
        var tenant = new Argument<string>("tenant");
        var user = new Argument<string>("user");
        var format = new Option<string>("--format") { Description = "json or csv", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv");
        var outputFile = new Option<FileInfo?>("--output") { Description = "file to write (default: standard output)" };
        var export = new Command("export", "Export everything about a user.") { tenant, user, format, outputFile };
        export.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var exporter = services.GetRequiredService<UserExport>();
            var (tenantId, userId) = (parse.GetValue(tenant)!, parse.GetValue(user)!);
            if (!await exporter.ExistsAsync(tenantId, userId, token))
            {
                await console.Error.WriteLineAsync($"mnemo: tenant '{tenantId}' has no user '{userId}'");
                return 1;
            }
            var file = parse.GetValue(outputFile);
            await using var stream = file is null ? new MemoryStream() : (Stream)file.Create();
            if (parse.GetValue(format) == "csv")
            {
                await exporter.WriteCsvAsync(tenantId, userId, stream, token);
            }
            else
            {
                var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
                await exporter.WriteJsonAsync(tenantId, userId, pipe, token);
                await pipe.CompleteAsync();
            }
            if (stream is MemoryStream buffer)
            {
                await console.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            return 0;
        }, cancellationToken));
        var erase = new Command("erase", "Erase a user and everything that names them.") { tenant, user };
        erase.SetAction((parse, cancellationToken) => RunAsync(parse, console, async (services, token) =>
        {
            var counts = await services.GetRequiredService<IUserEraser>().EraseAsync(parse.GetValue(tenant)!, parse.GetValue(user)!, token);
            if (counts is null)
            {
                await console.Error.WriteLineAsync("mnemo: no such user");
                return 1;
            }
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new ErasureResponse { Deleted = counts }, MnemoJsonContext.Default.ErasureResponse));
            return 0;
        }, cancellationToken));
        return new Command("users", "Export and erase users.") { export, erase };
    }

    private static Command Import(CliConsole console)
    {
        var tenant = new Argument<string>("tenant");
        var file = new Argument<FileInfo>("file") { Description = "JSON Lines: one message a line, with user_id, role, content (and optionally created_at, metadata, tags, idempotency_key)" };
        var command = new Command("import", "Import messages from a JSON Lines file.") { tenant, file };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, console, (services, token) =>
            JsonLinesImport.RunAsync(services, console, parse.GetValue(tenant)!, parse.GetValue(file)!, token), cancellationToken));
        return command;
    }

    private static Command Doctor(CliConsole console)
    {
        var command = new Command("doctor", "Check configuration, connectivity and migrations; say what is wrong and how to fix it.");
        command.SetAction((parse, cancellationToken) => Doctor(parse, console, cancellationToken));
        return command;
    }

    private static async Task<int> Doctor(ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        ServerSettings settings;
        try
        {
            settings = ServerSettings.Load(Configuration(parse));
            await console.Out.WriteLineAsync($"ok   configuration ({settings.Storage.ProviderName})");
        }
        catch (MnemoConfigurationException exception)
        {
            await console.Out.WriteLineAsync($"FAIL configuration: {exception.Message}");
            await console.Out.WriteLineAsync("     fix: correct the Mnemo__* settings named above (see the README's configuration table)");
            return 1;
        }
        await using var services = Services(settings);
        var database = services.GetRequiredService<MnemoDatabase>();
        try
        {
            await database.PingAsync(cancellationToken);
            await console.Out.WriteLineAsync("ok   database reachable");
        }
#pragma warning disable CA1031 // The doctor reports any failure to connect, whatever its type.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await console.Out.WriteLineAsync($"FAIL database unreachable: {exception.GetType().Name}: {exception.Message}");
            await console.Out.WriteLineAsync("     fix: check Mnemo__Storage__ConnectionString (or DATABASE_URL / POSTGRES_*) and that the server is up");
            return 1;
        }
        var expected = EmbeddedMigrations.For(database.Dialect)[^1].Version;
        int current;
        try
        {
            current = await services.GetRequiredService<MigrationRunner>().CurrentVersionAsync(cancellationToken);
        }
        catch (System.Data.Common.DbException)
        {
            current = 0;
        }
        if (current < expected)
        {
            await console.Out.WriteLineAsync($"FAIL schema at version {current}, code expects {expected}");
            await console.Out.WriteLineAsync("     fix: run 'mnemo migrate' (the server also migrates when it starts)");
            return 1;
        }
        try
        {
            await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
        }
        catch (MigrationChecksumException exception)
        {
            await console.Out.WriteLineAsync($"FAIL {exception.Message}");
            return 1;
        }
        await console.Out.WriteLineAsync($"ok   schema at version {current}, checksums match");
        return 0;
    }

    /// <summary>Loads settings, opens the store (migrating it unless told not to), and runs <paramref name="work"/>.</summary>
    internal static async Task<int> RunAsync(
        ParseResult parse, CliConsole console, Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken cancellationToken, bool migrate = true)
    {
        if (await SettingsAsync(parse, console) is not { } settings)
        {
            return 2;
        }
        await using var services = Services(settings);
        try
        {
            if (migrate)
            {
                await services.GetRequiredService<MigrationRunner>().ApplyAsync(cancellationToken);
            }
            return await work(services, cancellationToken);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or MigrationChecksumException or TimeoutException or IOException)
        {
            await console.Error.WriteLineAsync($"mnemo: {exception.Message}");
            return 1;
        }
    }

    /// <summary>The settings, or null after saying on standard error what is wrong with the configuration.</summary>
    private static async Task<ServerSettings?> SettingsAsync(ParseResult parse, CliConsole console)
    {
        try
        {
            return ServerSettings.Load(Configuration(parse));
        }
        catch (MnemoConfigurationException exception)
        {
            await console.Error.WriteLineAsync($"mnemo: configuration error: {exception.Message}");
            return null;
        }
    }

    private static IConfiguration Configuration(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(ProviderOption) is { } provider)
        {
            overrides["Mnemo:Storage:Provider"] = provider;
        }
        if (parse.GetValue(ConnectionOption) is { } connection)
        {
            overrides["Mnemo:Storage:ConnectionString"] = connection;
        }
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
    }

    private static ServiceProvider Services(ServerSettings settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMnemoCore(settings);
        return services.BuildServiceProvider();
    }
}
