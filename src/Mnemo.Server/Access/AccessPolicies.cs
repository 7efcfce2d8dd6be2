using Microsoft.AspNetCore.Authorization;
using Mnemo.ApiKeys;

namespace Mnemo.Server.Access;

/// <summary>
/// Who may call what, on ASP.NET Core's authorization: each route group names one policy, and
/// the fallback policy denies, so an endpoint that names none is reachable by nobody unless it is
/// marked anonymous. Policies read the authenticated principal and the endpoint's metadata,
/// never the path, so no spelling of a path changes what it allows.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Platform keys only.</summary>
    public const string Platform = "platform";

    /// <summary>Any authenticated caller whose tenant is not suspended, end-user tokens included.</summary>
    public const string AnyCaller = "caller";

    /// <summary>
    /// Any authenticated caller acting for one active tenant, end-user tokens included, whose
    /// scope and user each call checks itself (the MCP tools).
    /// </summary>
    public const string TenantCaller = "tenant-caller";

    /// <summary>
    /// The platform's registries (management systems): the platform key sees all of it; a tenant's
    /// key (or the platform key naming a tenant) sees what is assigned to that tenant, with read scope.
    /// </summary>
    public const string RegistryReader = "registry-reader";

    /// <summary>Metrics: open from loopback when configured, else the platform key.</summary>
    public const string Metrics = "metrics";

    /// <summary>The header a platform key uses to act for a tenant.</summary>
    public const string TenantHeader = "X-Tenant-ID";

    /// <summary>The policy for a caller acting for one tenant with <paramref name="scope"/>.</summary>
    public static string Tenant(string scope) => $"tenant:{scope}";

    /// <summary>Registers authentication, the policies, their handler and the problem answers they give.</summary>
    public static IServiceCollection AddMnemoAccess(this IServiceCollection services)
    {
        services.AddSingleton<CredentialVerifier>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Platform, policy => policy.AddRequirements(new PlatformAccess()))
            .AddPolicy(AnyCaller, policy => policy.AddRequirements(new CallerAccess()))
            .AddPolicy(TenantCaller, policy => policy.AddRequirements(new TenantCallerAccess()))
            .AddPolicy(Metrics, policy => policy.AddRequirements(new MetricsAccess()))
            .AddPolicy(RegistryReader, policy => policy.AddRequirements(new RegistryReadAccess()))
            .AddPolicy(Tenant(ApiKeyScopes.Read), policy => policy.AddRequirements(new TenantAccess(ApiKeyScopes.Read)))
            .AddPolicy(Tenant(ApiKeyScopes.Write), policy => policy.AddRequirements(new TenantAccess(ApiKeyScopes.Write)))
            .AddPolicy(Tenant(ApiKeyScopes.Admin), policy => policy.AddRequirements(new TenantAccess(ApiKeyScopes.Admin)))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new NoAccess()).Build());
        services.AddSingleton<IAuthorizationHandler, AccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        return services;
    }

    /// <summary>Only a platform key may call the group.</summary>
    public static TBuilder RequirePlatform<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Platform);

    /// <summary>Any authenticated caller may call the group.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(AnyCaller);

    /// <summary>The caller must act for one tenant with <paramref name="scope"/>; the handler receives a <see cref="TenantScope"/>.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Tenant(scope));

    /// <summary>
    /// A feature's routes under <paramref name="prefix"/>, tagged <paramref name="tag"/>: reads
    /// under <c>tenant:read</c> (and end-user tokens for their own user when
    /// <paramref name="userTokensRead"/>), writes under <c>tenant:write</c>. Two sibling groups,
    /// each with its one policy, rather than a write policy stacked on a read one.
    /// </summary>
    public static (RouteGroupBuilder Group, RouteGroupBuilder Reads, RouteGroupBuilder Writes) MapTenantGroups(
        this IEndpointRouteBuilder routes, string prefix, string tag, bool userTokensRead = false)
    {
        var group = routes.MapGroup(prefix).WithTags(tag);
        var reads = group.MapGroup(string.Empty).RequireTenant(ApiKeyScopes.Read);
        if (userTokensRead)
        {
            reads.AllowUserTokens();
        }
        return (group, reads, group.MapGroup(string.Empty).RequireTenant(ApiKeyScopes.Write));
    }

    /// <summary>
    /// An end-user token may also call the group, for the user named by its <c>{user_id}</c> only
    /// (seed 004). Without this mark a user token is refused, whatever the path.
    /// </summary>
    public static TBuilder AllowUserTokens<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(UserTokenAccess.Instance);
}

/// <summary>Endpoint metadata: end-user tokens may call this endpoint for their own user.</summary>
public sealed class UserTokenAccess
{
    /// <summary>The one instance.</summary>
    public static UserTokenAccess Instance { get; } = new();

    private UserTokenAccess()
    {
    }
}

/// <summary>Requires a platform key.</summary>
public sealed class PlatformAccess : IAuthorizationRequirement;

/// <summary>Requires an authenticated caller whose tenant is not suspended.</summary>
public sealed class CallerAccess : IAuthorizationRequirement;

/// <summary>Requires the platform key, or a caller acting for one tenant with read scope; the handler receives a <see cref="RegistryView"/>.</summary>
public sealed class RegistryReadAccess : IAuthorizationRequirement;

/// <summary>Requires a caller acting for one active tenant, whatever its scopes; the handler receives a <see cref="TenantScope"/>.</summary>
public sealed class TenantCallerAccess : IAuthorizationRequirement;

/// <summary>Requires loopback (when configured) or a platform key.</summary>
public sealed class MetricsAccess : IAuthorizationRequirement;

/// <summary>Requires a caller acting for one tenant, holding <see cref="Scope"/>.</summary>
public sealed record TenantAccess(string Scope) : IAuthorizationRequirement;

/// <summary>The fallback: met by nobody, so every endpoint must name its policy or be anonymous.</summary>
public sealed class NoAccess : IAuthorizationRequirement;
