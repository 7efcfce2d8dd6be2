using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Memory;
using Mnemo.Server.Access;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Memory;

/// <summary><c>GET /api/v1/users/{user_id}/context</c>: what an assistant prompts with, on every turn.</summary>
public static class ContextEndpoints
{
    /// <summary>Maps the context endpoint.</summary>
    public static RouteHandlerBuilder MapContext(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/users/{user_id}/context", ReadAsync).WithTags("Memory").RequireTenant(ApiKeyScopes.Read).AllowUserTokens();

    private static async Task<Results<Ok<AssembledContext>, ProblemHttpResult>> ReadAsync(
        TenantScope scope, string user_id, int? max_messages, int? max_chars, string? query, int? relevant_limit, ContextAssembler contexts,
        CancellationToken cancellationToken) =>
        await contexts.ReadAsync(scope.TenantId, user_id, max_messages, max_chars, query, relevant_limit, cancellationToken) is { } context
            ? TypedResults.Ok(context)
            : ApiProblems.UserNotFound(user_id);
}
