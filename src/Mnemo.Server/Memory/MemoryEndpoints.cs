using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Messages;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Memory;

/// <summary>Seed 003's personalisation memory: the profile, memory events, and compression.</summary>
public static class MemoryEndpoints
{

    /// <summary>Maps <c>/api/v1/users/{user_id}/memory</c>.</summary>
    public static RouteGroupBuilder MapMemory(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/users/{user_id}/memory", "Memory", userTokensRead: true);
        reads.MapGet("/profile", GetProfileAsync);
        writes.MapPut("/profile", UpdateProfileAsync).Accepts<UpdateProfileRequest>("application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        writes.MapDelete("/profile", ResetProfileAsync);
        writes.MapPost("/events", AppendEventsAsync).Accepts<AppendMemoryEventsRequest>("application/json");
        reads.MapGet("/events", ListEventsAsync);
        reads.MapGet("/events/count", CountEventsAsync);
        writes.MapPost("/compress", CompressAsync).Accepts<CompressMemoryRequest>("application/json");
        return group;
    }

    private static async Task<Results<Ok<MemoryProfile>, ProblemHttpResult>> GetProfileAsync(
        HttpContext http, TenantScope scope, string user_id, MemoryProfiles profiles, CancellationToken cancellationToken) =>
        await profiles.GetAsync(scope.TenantId, user_id, cancellationToken) is { } profile ? WithETag(http, profile) : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<Ok<MemoryProfile>, ProblemHttpResult>> UpdateProfileAsync(
        HttpContext http, TenantScope scope, string user_id, JsonBody<UpdateProfileRequest> body, MemoryProfiles profiles, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var write = await profiles.UpdateAsync(scope.TenantId, user_id,
            new ProfilePatch(request.Language, request.Persona, request.Tone, request.PreferredTopics), ExpectedVersion(http.Request), cancellationToken);
        if (write.UserMissing)
        {
            return ApiProblems.UserNotFound(user_id);
        }
        if (write.VersionMismatch)
        {
            http.Response.Headers.ETag = ETag(write.Profile!);
            return ApiProblems.Create(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed, "Precondition failed",
                "The profile changed since it was read; read it again and reapply the change.");
        }
        return WithETag(http, write.Profile!);
    }

    private static async Task<Results<Ok<MemoryProfile>, ProblemHttpResult>> ResetProfileAsync(
        HttpContext http, TenantScope scope, string user_id, MemoryProfiles profiles, CancellationToken cancellationToken) =>
        await profiles.ResetAsync(scope.TenantId, user_id, cancellationToken) is { } profile ? WithETag(http, profile) : ApiProblems.UserNotFound(user_id);

    private static async Task<Created<MemoryEventsResponse>> AppendEventsAsync(
        TenantScope scope, string user_id, JsonBody<AppendMemoryEventsRequest> body, MessageAppender appender, CancellationToken cancellationToken)
    {
        var result = await appender.AppendMemoryEventsAsync(scope.TenantId, user_id, body.Value.Events!, cancellationToken);
        return TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user_id)}/memory/events", new MemoryEventsResponse { Events = result.Messages });
    }

    private static async Task<Results<Ok<MemoryEventsResponse>, ProblemHttpResult>> ListEventsAsync(
        TenantScope scope, string user_id, int? limit, IMessageStore messages, Pages pages, CancellationToken cancellationToken)
    {
        var query = new MessageQuery { Limit = pages.Size(limit) };
        var page = await messages.ListAsync(scope.TenantId, user_id, query, cancellationToken);
        return page is null ? ApiProblems.UserNotFound(user_id) : TypedResults.Ok(new MemoryEventsResponse { Events = page.Messages });
    }

    private static async Task<Results<Ok<MemoryEventCountResponse>, ProblemHttpResult>> CountEventsAsync(
        TenantScope scope, string user_id, IMessageStore messages, CancellationToken cancellationToken) =>
        await messages.CountAsync(scope.TenantId, user_id, cancellationToken) is { } count
            ? TypedResults.Ok(new MemoryEventCountResponse { Count = count })
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<Ok<CompressMemoryResponse>, ProblemHttpResult>> CompressAsync(
        TenantScope scope, string user_id, JsonBody<CompressMemoryRequest> body, MemoryProfiles profiles, CancellationToken cancellationToken) =>
        await profiles.CompressAsync(scope.TenantId, user_id, body.Value.Summary!, body.Value.KeepLastN!.Value, cancellationToken) is { } result
            ? TypedResults.Ok(new CompressMemoryResponse { Deleted = result.Deleted, Kept = result.Kept })
            : ApiProblems.UserNotFound(user_id);

    private static Ok<MemoryProfile> WithETag(HttpContext http, MemoryProfile profile)
    {
        http.Response.Headers.ETag = ETag(profile);
        return TypedResults.Ok(profile);
    }

    private static string ETag(MemoryProfile profile) => string.Create(CultureInfo.InvariantCulture, $"\"{profile.Version}\"");

    /// <summary>The version <c>If-Match</c> requires: null when absent or <c>*</c>; 400 when it is not one of ours.</summary>
    private static long? ExpectedVersion(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0 || ifMatch == "*")
        {
            return null;
        }
        var tag = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
        if (tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }
        throw ApiProblems.InvalidField("If-Match", "must be an ETag this server issued, or *");
    }
}
