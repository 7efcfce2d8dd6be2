using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Memory;
using Mnemo.Server.Access;
using Mnemo.Server.Problems;
using Mnemo.Server.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Memory;

/// <summary><c>GET /api/v1/users/{user_id}/context</c>: what an assistant prompts with, on every turn.</summary>
public static class ContextEndpoints
{
    private const int DefaultMaxMessages = 20, MaxMessages = 200;
    private const int DefaultMaxChars = 8_000, MaxChars = 1_000_000;
    private const int InsightsInContext = 20;

    /// <summary>Maps the context endpoint.</summary>
    public static RouteHandlerBuilder MapContext(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/users/{user_id}/context", ReadAsync).WithTags("Memory").RequireTenant(ApiKeyScopes.Read).AllowUserTokens();

    private static async Task<Results<Ok<AssembledContext>, ProblemHttpResult>> ReadAsync(
        TenantScope scope, string user_id, int? max_messages, int? max_chars, IContextReader contexts, TenantSettingsCache cache,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (max_messages is < 0 or > MaxMessages)
        {
            errors.Add("max_messages", $"must be between 0 and {MaxMessages}");
        }
        if (max_chars is < 0 or > MaxChars)
        {
            errors.Add("max_chars", $"must be between 0 and {MaxChars}");
        }
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        var budget = new ContextBudget(max_messages ?? DefaultMaxMessages, max_chars ?? DefaultMaxChars, InsightsInContext);
        var defaults = await cache.ProfileDefaultsAsync(scope.TenantId, cancellationToken);
        return await contexts.ReadAsync(scope.TenantId, user_id, budget, defaults, cancellationToken) is { } context
            ? TypedResults.Ok(context)
            : ApiProblems.UserNotFound(user_id);
    }
}
