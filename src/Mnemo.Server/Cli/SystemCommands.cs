using System.CommandLine;
using System.Text.Json;
using Mnemo.Json;
using Mnemo.Systems;
using Mnemo.Time;
using Mnemo.Validation;

namespace Mnemo.Server.Cli;

/// <summary>
/// <c>mnemo systems</c>: what an operator does with the management system repository from a
/// shell — define a system, assign it to a tenant, read and write its configuration.
/// </summary>
internal static class SystemCommands
{
    public static Command Build(CliConsole console)
    {
        var list = new Command("list", "List the systems.");
        list.SetAction((parse, cancellationToken) => Commands.RunAsync(parse, console, async (services, token) =>
        {
            string? after = null;
            while (await services.GetRequiredService<ISystemStore>().ListAsync(null, after, 200, token) is { Count: > 0 } page)
            {
                foreach (var system in page)
                {
                    await console.Out.WriteLineAsync($"{system.Id}\t{system.Type}\t{system.Name}");
                }
                after = page[^1].Id;
            }
            return 0;
        }, cancellationToken));

        var id = new Argument<string>("system") { Description = "the system's id" };
        var name = new Option<string?>("--name") { Description = "display name (the id when absent)" };
        var type = new Option<string>("--type") { Description = "what kind of system (crm, erp, ...)", Required = true };
        var create = new Command("create", "Define a system.") { id, name, type };
        create.SetAction((parse, cancellationToken) => Commands.RunAsync(parse, console, async (services, token) =>
        {
            var request = new CreateSystemRequest { Id = parse.GetValue(id), Name = parse.GetValue(name) ?? parse.GetValue(id), Type = parse.GetValue(type) };
            if (await RefusedAsync(console, request) is { } refused)
            {
                return refused;
            }
            var now = services.GetRequiredService<TimeProvider>().GetUtcNowMicroseconds();
            var system = new ManagementSystem
            {
                Id = request.Id!, Name = request.Name!, Type = request.Type!, Description = string.Empty, Metadata = JsonObjects.Empty, CreatedAt = now, UpdatedAt = now,
            };
            if (!await services.GetRequiredService<ISystemStore>().CreateAsync(system, token))
            {
                await console.Error.WriteLineAsync($"mnemo: system '{system.Id}' exists already");
                return 1;
            }
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(system, MnemoJsonContext.Default.ManagementSystem));
            return 0;
        }, cancellationToken));

        var tenant = new Argument<string>("tenant") { Description = "the tenant" };
        var version = new Option<string?>("--version") { Description = "the version the tenant runs (one of the system's)" };
        var assign = new Command("assign", "Assign a system to a tenant (or change its version).") { tenant, id, version };
        assign.SetAction((parse, cancellationToken) => Commands.RunAsync(parse, console, async (services, token) =>
        {
            var request = new AssignSystemRequest { Version = parse.GetValue(version) };
            if (await RefusedAsync(console, request) is { } refused)
            {
                return refused;
            }
            var now = services.GetRequiredService<TimeProvider>().GetUtcNowMicroseconds();
            if (await services.GetRequiredService<Mnemo.Tenants.ITenantStore>().GetAsync(parse.GetValue(tenant)!, token) is null)
            {
                await console.Error.WriteLineAsync($"mnemo: no tenant '{parse.GetValue(tenant)}'");
                return 1;
            }
            var (assignment, versionMissing) = await services.GetRequiredService<ISystemStore>().AssignAsync(new TenantSystem
            {
                TenantId = parse.GetValue(tenant)!, SystemId = parse.GetValue(id)!, Version = request.Version, Enabled = true, CreatedAt = now, UpdatedAt = now,
            }, token);
            if (assignment is null)
            {
                await console.Error.WriteLineAsync(versionMissing ? $"mnemo: the system has no version {request.Version}" : $"mnemo: no system '{parse.GetValue(id)}'");
                return 1;
            }
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(assignment, MnemoJsonContext.Default.TenantSystem));
            return 0;
        }, cancellationToken));

        var set = new Option<string?>("--set") { Description = "a JSON object: written as the next revision" };
        var config = new Command("config", "Print a system's configuration, or write the next revision of it.") { id, set };
        config.SetAction((parse, cancellationToken) => Commands.RunAsync(parse, console, async (services, token) =>
        {
            var systems = services.GetRequiredService<ISystemStore>();
            var systemId = parse.GetValue(id)!;
            if (await systems.GetConfigAsync(systemId, null, token) is not { } current)
            {
                await console.Error.WriteLineAsync($"mnemo: no system '{systemId}'");
                return 1;
            }
            if (parse.GetValue(set) is not { } json)
            {
                await console.Out.WriteLineAsync($"revision {current.Revision}\t{current.Config.GetRawText()}");
                return 0;
            }
            JsonElement parsed;
            try
            {
                parsed = JsonDocument.Parse(json).RootElement.Clone();
            }
            catch (JsonException)
            {
                await console.Error.WriteLineAsync("mnemo: --set is not JSON");
                return 2;
            }
            try
            {
                // What no store keeps (NUL, a field named twice) is refused here as over HTTP.
                Json.JsonRequests.Screen(parsed, "config");
            }
            catch (Problems.ApiProblemException problem)
            {
                await console.Error.WriteLineAsync($"mnemo: --set: {problem.Detail} {string.Join("; ", problem.Errors?.Keys ?? [])}");
                return 2;
            }
            if (await RefusedAsync(console, new SystemConfigRequest { Config = parsed }) is { } refused)
            {
                return refused;
            }
            var now = services.GetRequiredService<TimeProvider>().GetUtcNowMicroseconds();
            var (outcome, written) = await systems.WriteConfigAsync(systemId, null, current.Revision, parsed.GetRawText(), now, token);
            if (outcome != ConfigWrite.Written)
            {
                await console.Error.WriteLineAsync("mnemo: the configuration changed meanwhile; run the command again");
                return 1;
            }
            await console.Out.WriteLineAsync($"revision {written!.Revision}");
            return 0;
        }, cancellationToken));

        return new Command("systems", "The management system repository: define systems, assign them to tenants, configure them.") { list, create, assign, config };
    }

    /// <summary>2 after naming each invalid field on standard error; null when the request is valid.</summary>
    private static async Task<int?> RefusedAsync(CliConsole console, IValidatable request)
    {
        var errors = new ValidationErrors();
        request.Validate(errors);
        if (errors.IsEmpty)
        {
            return null;
        }
        foreach (var (field, messages) in errors.ToDictionary())
        {
            await console.Error.WriteLineAsync($"mnemo: {field} {string.Join("; ", messages)}");
        }
        return 2;
    }
}
