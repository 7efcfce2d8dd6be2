namespace Mnemo.Access;

/// <summary>Answer of <c>GET /api/v1/me</c>: who the caller is.</summary>
public sealed record MeResponse
{
    /// <summary>The tenant the caller acts for; null for a platform key without <c>X-Tenant-ID</c>.</summary>
    public string? TenantId { get; init; }

    /// <summary>The key's id; null for the configured platform key.</summary>
    public Guid? KeyId { get; init; }

    /// <summary>The scopes the caller holds.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>For an end-user token: the signed-in user.</summary>
    public string? UserId { get; init; }

    /// <summary>True for a platform key.</summary>
    public bool Platform { get; init; }
}
