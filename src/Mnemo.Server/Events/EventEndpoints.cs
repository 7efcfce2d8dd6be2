using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Events;

/// <summary>Analytics events (seed 004): a user's, and the tenant's.</summary>
public static class EventEndpoints
{
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
        TenantScope scope, string user_id, string? type, [AsParameters] PageRequest request, IEventStore events, Pages pages,
        CancellationToken cancellationToken)
    {
        var page = await ListAsync(scope.TenantId, user_id, type, request, events, pages, cancellationToken);
        return page is null ? ApiProblems.UserNotFound(user_id) : TypedResults.Ok(page);
    }

    private static async Task<Ok<EventListResponse>> ListForTenantAsync(
        TenantScope scope, string? type, [AsParameters] PageRequest request, IEventStore events, Pages pages, CancellationToken cancellationToken) =>
        TypedResults.Ok((await ListAsync(scope.TenantId, null, type, request, events, pages, cancellationToken))!);

    private static async Task<EventListResponse?> ListAsync(
        string tenantId, string? userId, string? type, PageRequest request, IEventStore events, Pages pages, CancellationToken cancellationToken)
    {
        if (type is { Length: 0 or > 320 })
        {
            throw ApiProblems.InvalidField("type", "must be 1 to 320 characters");
        }
        var window = pages.Open(request, new PageScope("events", tenantId, userId));
        EventPosition? before = null;
        if (window.After is { } after)
        {
            before = Positions.TryTimeAndId(after, out var time, out var id) ? new EventPosition(time, id) : throw ApiProblems.InvalidCursor();
        }
        var fetched = await events.ListAsync(tenantId, userId, type, window.FetchSize, before, cancellationToken);
        if (fetched is null)
        {
            return null;
        }
        var page = pages.Cut(window, fetched, item => Positions.TimeAndId(item.CreatedAt, item.Id));
        return new EventListResponse { Events = page.Items, NextCursor = page.NextCursor };
    }
}
