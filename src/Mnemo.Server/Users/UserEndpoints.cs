using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Json;
using Mnemo.Server.Access;
using Mnemo.Server.Activity;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;
using Mnemo.Users;

namespace Mnemo.Server.Users;

/// <summary>Users: create, resolve an external identity, read, list, update, profile (seeds 001 and 004).</summary>
public static class UserEndpoints
{
    /// <summary>Maps <c>/api/v1/users</c>.</summary>
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/users", "Users", userTokensRead: true);
        writes.MapPost("/", CreateAsync).Accepts<CreateUserRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapPost("/resolve", ResolveAsync).Accepts<ResolveUserRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{user_id}", GetAsync);
        writes.MapPut("/{user_id}", UpdateAsync).Accepts<UpdateUserRequest>("application/json");
        reads.MapGet("/{user_id}/profile", GetProfileAsync);
        return group;
    }

    private static async Task<Results<Created<User>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateUserRequest> body, IUserStore users, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var user = new User
        {
            Id = request.Id!,
            Email = request.Email,
            Name = request.Name,
            Metadata = request.Metadata is { } metadata ? JsonObjects.Parse(JsonObjects.ToStored(metadata)) : JsonObjects.Empty,
            CreatedAt = now,
            LastSeen = now,
        };
        return await users.CreateAsync(scope.TenantId, user, cancellationToken)
            ? TypedResults.Created($"/api/v1/users/{Uri.EscapeDataString(user.Id)}", user)
            : ApiProblems.Conflict($"User '{user.Id}' exists already.");
    }

    private static async Task<Results<Created<ResolveUserResponse>, Ok<ResolveUserResponse>>> ResolveAsync(
        TenantScope scope, JsonBody<ResolveUserRequest> body, IUserStore users, ActivityTracker activity, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var resolved = await users.ResolveAsync(scope.TenantId, new ExternalIdentity(request.Provider!, request.ExternalId!, request.Email, request.Name), now, cancellationToken);
        activity.UserSeen(new UserActivity(scope.TenantId, resolved.User.Id, now));
        var response = new ResolveUserResponse(resolved);
        return resolved.IsNew
            ? TypedResults.Created($"/api/v1/users/{resolved.User.Id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Ok<UserListResponse>> ListAsync(
        TenantScope scope, IUserStore users, Pages pages, [AsParameters] PageRequest request, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("users", scope.TenantId));
        var page = pages.Cut(window, await users.ListAsync(scope.TenantId, window.After, window.FetchSize, cancellationToken), user => user.Id);
        return TypedResults.Ok(new UserListResponse { Users = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<User>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string user_id, IUserStore users, CancellationToken cancellationToken) =>
        await users.GetAsync(scope.TenantId, user_id, cancellationToken) is { } user ? TypedResults.Ok(user) : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<Ok<User>, ProblemHttpResult>> UpdateAsync(
        TenantScope scope, string user_id, JsonBody<UpdateUserRequest> body, IUserStore users, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var update = new UserUpdate(request.Email, request.Name, request.Metadata is { } metadata ? JsonObjects.ToStored(metadata) : null);
        return await users.UpdateAsync(scope.TenantId, user_id, update, cancellationToken) is { } user ? TypedResults.Ok(user) : ApiProblems.UserNotFound(user_id);
    }

    private static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> GetProfileAsync(
        TenantScope scope, string user_id, IUserStore users, CancellationToken cancellationToken) =>
        await users.GetProfileAsync(scope.TenantId, user_id, cancellationToken) is { } profile ? TypedResults.Ok(profile) : ApiProblems.UserNotFound(user_id);
}
