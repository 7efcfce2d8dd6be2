using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Mnemo.ApiKeys;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Paging;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Events;

/// <summary>Analytics events (seed 004): a user's, and the tenant's.</summary>
public static class EventEndpoints
{
    private const int DefaultLimit = 50;

    /// <summary>Maps <c>/api/v1/users/{user_id}/events</c> and <c>/api/v1/events</c>.</summary>
    public static RouteGroupBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/users/{user_id}/events", "Events", userTokensRead: true);
        writes.MapPost("/", CreateAsync).Accepts<CreateEventRequest>("application/json");
        reads.MapGet("/", ListForUserAsync);
        routes.MapGet("/api/v1/events", ListForTenantAsync).WithTags("Events").RequireTenant(ApiKeyScopes.Admin);
        return group;
    }

    private static async Task<Results<Created<UserEvent>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, string user_id, JsonBody<CreateEventRequest> body, IEventStore events, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var created = await events.AppendAsync(scope.TenantId, user_id, request.EventType!, JsonObjects.ToStored(request.EventData), cancellationToken);
        return created is null
            ? ApiProblems.UserNotFound(user_id)
            : TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user_id)}/events/{created.Id}", created);
    }

    private static async Task<Results<Ok<EventListResponse>, ProblemHttpResult>> ListForUserAsync(
        TenantScope scope, string user_id, string? type, int? limit, string? cursor, IEventStore events, IOptions<MnemoOptions> options,
        CancellationToken cancellationToken)
    {
        var page = await ListAsync(scope.TenantId, user_id, type, limit, cursor, events, options, cancellationToken);
        return page is null ? ApiProblems.UserNotFound(user_id) : TypedResults.Ok(page);
    }

    private static async Task<Ok<EventListResponse>> ListForTenantAsync(
        TenantScope scope, string? type, int? limit, string? cursor, IEventStore events, IOptions<MnemoOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok((await ListAsync(scope.TenantId, null, type, limit, cursor, events, options, cancellationToken))!);

    private static async Task<EventListResponse?> ListAsync(
        string tenantId, string? userId, string? type, int? limit, string? cursor, IEventStore events, IOptions<MnemoOptions> options,
        CancellationToken cancellationToken)
    {
        var pageSize = PageLimits.Resolve(limit ?? DefaultLimit, options.Value.Limits);
        if (type is { Length: 0 or > 320 })
        {
            throw ApiProblems.InvalidField("type", "must be 1 to 320 characters");
        }
        var before = cursor is null ? (EventPosition?)null : ParseCursor(cursor);
        var page = await events.ListAsync(tenantId, userId, type, pageSize + 1, before, cancellationToken);
        if (page is null)
        {
            return null;
        }
        var hasMore = page.Count > pageSize;
        var shown = hasMore ? page.Take(pageSize).ToList() : page;
        var last = shown.Count > 0 ? shown[^1] : null;
        return new EventListResponse
        {
            Events = shown,
            NextCursor = hasMore && last is not null
                ? Cursor.EncodeTimeAndId(last.CreatedAt, last.Id)
                : null,
        };
    }

    private static EventPosition ParseCursor(string cursor) =>
        Cursor.TryDecodeTimeAndId(cursor, out var time, out var id)
            ? new EventPosition(time, id)
            : throw ApiProblems.InvalidCursor();
}
