using System.Security.Claims;
using Mnemo.ApiKeys;

namespace Mnemo.Server.Access;

/// <summary>Who sent the request, as established from its key or token.</summary>
public sealed record Caller
{
    /// <summary>True for a platform key.</summary>
    public bool IsPlatform { get; init; }

    /// <summary>The key's tenant; null for platform keys.</summary>
    public string? TenantId { get; init; }

    /// <summary>The tenant's status when the key was checked.</summary>
    public string? TenantStatus { get; init; }

    /// <summary>The key's id; null for the configured platform key and for user tokens.</summary>
    public Guid? KeyId { get; init; }

    /// <summary>For an end-user token: the only user it may read.</summary>
    public string? UserId { get; init; }

    /// <summary>What the key may do.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>True when the caller holds <paramref name="scope"/>.</summary>
    public bool HasScope(string scope) => IsPlatform || Scopes.Contains(scope);

    /// <summary>A platform caller.</summary>
    public static Caller Platform(Guid? keyId) => new() { IsPlatform = true, KeyId = keyId, Scopes = ApiKeyScopes.All };
}

/// <summary>
/// The identity <see cref="ApiKeyAuthenticationHandler"/> gives a request: the usual claims (so
/// anything that reads claims sees the tenant, scopes, user and key) plus the typed
/// <see cref="Caller"/> they were made from, so access checks need not parse them back.
/// </summary>
public sealed class CallerIdentity : ClaimsIdentity
{
    /// <summary>Claim types, under Mnemo's own namespace.</summary>
    public const string TenantClaim = "mnemo:tenant", ScopeClaim = "mnemo:scope", UserClaim = "mnemo:user", KeyClaim = "mnemo:key", PlatformClaim = "mnemo:platform";

    /// <summary>An identity for <paramref name="caller"/>, authenticated by <paramref name="scheme"/>.</summary>
    public CallerIdentity(Caller caller, string scheme)
        : base(ClaimsOf(caller), scheme)
    {
        Caller = caller;
    }

    /// <summary>The caller.</summary>
    public Caller Caller { get; }

    private static IEnumerable<Claim> ClaimsOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsPlatform)
        {
            yield return new Claim(PlatformClaim, "true");
        }
        if (caller.TenantId is { } tenantId)
        {
            yield return new Claim(TenantClaim, tenantId);
        }
        if (caller.UserId is { } userId)
        {
            yield return new Claim(UserClaim, userId);
        }
        if (caller.KeyId is { } keyId)
        {
            yield return new Claim(KeyClaim, keyId.ToString("D"));
        }
        foreach (var scope in caller.Scopes)
        {
            yield return new Claim(ScopeClaim, scope);
        }
    }
}

/// <summary>Reads the <see cref="Caller"/> off a request's principal.</summary>
public static class CallerPrincipal
{
    /// <summary>The authenticated caller, or null for an anonymous request.</summary>
    public static Caller? CallerOf(this ClaimsPrincipal principal) =>
        principal?.Identities.OfType<CallerIdentity>().FirstOrDefault() is { IsAuthenticated: true } identity ? identity.Caller : null;
}

/// <summary>The tenant a request acts on, after the tenant access policy allowed it.</summary>
public sealed class TenantScope
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>Who acts.</summary>
    public required Caller Caller { get; init; }

    /// <summary>
    /// Binds from what the endpoint's tenant policy established. An endpoint that takes a scope
    /// but has no tenant policy is a programming error, and the endpoint enumeration test finds it.
    /// </summary>
    public static ValueTask<TenantScope?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<TenantScope?>(context?.Features.Get<TenantScope>()
            ?? throw new InvalidOperationException("The endpoint takes a TenantScope but has no tenant access policy."));
}

/// <summary>
/// Who reads a platform registry: the platform (<see cref="TenantId"/> null: everything) or one
/// tenant (only what is assigned to it). Set by the <see cref="AccessPolicies.RegistryReader"/> policy.
/// </summary>
/// <param name="TenantId">The tenant whose view it is, or null for the platform's.</param>
public sealed record RegistryView(string? TenantId)
{
    /// <summary>Binds from what the policy established.</summary>
    public static ValueTask<RegistryView?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<RegistryView?>(context?.Features.Get<RegistryView>()
            ?? throw new InvalidOperationException("The endpoint takes a RegistryView but has no registry-reader policy."));
}
