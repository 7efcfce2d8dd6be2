using Mnemo.ApiKeys;

namespace Mnemo.Server.Access;

/// <summary>Who sent the request, as established from its API key.</summary>
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

/// <summary>What authentication found, kept on the request.</summary>
public sealed class CallerFeature
{
    /// <summary>The caller, or null.</summary>
    public Caller? Caller { get; init; }

    /// <summary>True when credentials were sent but are not valid.</summary>
    public bool CredentialsRejected { get; init; }
}

/// <summary>The tenant a request acts on, after access checks.</summary>
public sealed class TenantScope
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>Who acts.</summary>
    public required Caller Caller { get; init; }

    /// <summary>Binds from what the endpoint's tenant <see cref="AccessRule"/> established.</summary>
    public static ValueTask<TenantScope?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<TenantScope?>(context?.Features.Get<TenantScope>()
            ?? throw new InvalidOperationException("The endpoint takes a TenantScope but has no tenant access filter."));
}
