using Mnemo.ApiKeys;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Mcp;

/// <summary>
/// Who a tool call acts for, decided as the REST policies decide it: <c>/mcp</c> admits a caller
/// acting for one active tenant (its key's, or the one a platform key names with
/// <c>X-Tenant-ID</c>), and each tool then asks for its user and its scope here. A tenant key acts
/// for any user of its tenant within its scopes; an end-user token acts for its own user only,
/// and only reads, as it does on the REST API.
/// </summary>
public sealed class McpAccess(IHttpContextAccessor httpContextAccessor, McpLocalCaller? local = null)
{
    /// <summary>
    /// The tenant and user a call on <paramref name="userId"/> acts for, with <paramref name="scope"/>
    /// (<c>read</c>, <c>write</c> or <c>admin</c>); throws the refusal, as the REST API would answer it.
    /// <paramref name="userTokenMayRead"/> is false where the REST twin refuses user tokens too.
    /// </summary>
    public McpActor ForUser(string? userId, string scope, bool userTokenMayRead = true)
    {
        var (tenantId, caller) = Current();
        if (caller.UserId is { } ownUser)
        {
            if (userId is not null && userId != ownUser)
            {
                throw Forbidden(ProblemCodes.UserForbidden, "A user token acts for its own user only.");
            }
            if (scope != ApiKeyScopes.Read || !userTokenMayRead)
            {
                throw Forbidden(ProblemCodes.UserForbidden, "A user token reads its own conversations, messages, profile and context; nothing else.");
            }
            userId = ownUser;
        }
        if (userId is null)
        {
            throw ApiProblems.InvalidField("user_id", "is required with a tenant key");
        }
        if (!Identifiers.IsUserId(userId))
        {
            throw ApiProblems.InvalidField("user_id", Identifiers.UserIdRule);
        }
        if (!caller.HasScope(scope))
        {
            throw Forbidden(ProblemCodes.InsufficientScope, $"This key lacks the '{scope}' scope.");
        }
        return new McpActor(tenantId, userId);
    }

    private (string TenantId, Caller Caller) Current()
    {
        // Over HTTP the /mcp policy left the tenant scope on every request it admitted; over
        // stdio (mnemo mcp) the tools act for the tenant the command was started for.
        if (httpContextAccessor.HttpContext is { } http)
        {
            var scope = http.Features.Get<TenantScope>()
                ?? throw new InvalidOperationException("An MCP tool ran outside a request admitted by the tenant-caller policy.");
            return (scope.TenantId, scope.Caller);
        }
        return local is not null
            ? (local.TenantId, new Caller { TenantId = local.TenantId, Scopes = ApiKeyScopes.All })
            : throw new InvalidOperationException("An MCP tool ran with neither an HTTP request nor a local caller.");
    }

    private static ApiProblemException Forbidden(string code, string detail) =>
        new(StatusCodes.Status403Forbidden, code, "Forbidden", detail);
}

/// <summary>The tenant and user a tool call acts for.</summary>
public sealed record McpActor(string TenantId, string UserId);

/// <summary>
/// Who the tools act for over stdio (<c>mnemo mcp --tenant</c>): the tenant, with every scope, as
/// its admin key would. Whoever can start the process can read the store it opens anyway.
/// </summary>
public sealed record McpLocalCaller(string TenantId);
