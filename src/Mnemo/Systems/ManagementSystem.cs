using System.Text.Json;

namespace Mnemo.Systems;

/// <summary>A management system the platform defines and assigns to tenants (seed 002's management system repository).</summary>
public sealed record ManagementSystem
{
    /// <summary>The id, chosen by the platform.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>What kind of system (e.g. <c>crm</c>, <c>erp</c>).</summary>
    public required string Type { get; init; }

    /// <summary>What it is.</summary>
    public required string Description { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A released version of a system.</summary>
public sealed record SystemVersion
{
    /// <summary>The system.</summary>
    public required string SystemId { get; init; }

    /// <summary>A semantic version (<c>1.4.0</c>, <c>2.0.0-rc.1</c>), unique per system.</summary>
    public required string Version { get; init; }

    /// <summary>When it was released.</summary>
    public required DateTimeOffset ReleasedAt { get; init; }

    /// <summary>Release notes.</summary>
    public required string Notes { get; init; }
}

/// <summary>A system assigned to a tenant.</summary>
public sealed record TenantSystem
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The system.</summary>
    public required string SystemId { get; init; }

    /// <summary>The version the tenant runs, one of the system's; null when not pinned.</summary>
    public string? Version { get; init; }

    /// <summary>Whether the tenant uses it.</summary>
    public required bool Enabled { get; init; }

    /// <summary>When it was assigned.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One revision of a configuration: the system's own, or a tenant's override of it.</summary>
public sealed record ConfigRevision
{
    /// <summary>The revision, from 1; 0 is the empty configuration before the first write.</summary>
    public required long Revision { get; init; }

    /// <summary>The configuration (a JSON object).</summary>
    public required JsonElement Config { get; init; }

    /// <summary>When it was written; null for revision 0.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary><c>GET /api/v1/systems/{system_id}/config</c>: a system's configuration as its reader sees it.</summary>
public sealed record SystemConfigResponse
{
    /// <summary>The system.</summary>
    public required string SystemId { get; init; }

    /// <summary>The system's configuration revision.</summary>
    public required long Revision { get; init; }

    /// <summary>
    /// The configuration. For a tenant: the system's merged key by key with the tenant's override
    /// (an override's member replaces the system's; a null member removes it).
    /// </summary>
    public required JsonElement Config { get; init; }

    /// <summary>When the system's configuration was last written; null before the first write.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The tenant whose effective configuration this is; absent for the platform's view.</summary>
    public string? TenantId { get; init; }

    /// <summary>The revision of the tenant's override merged in (0: none); absent for the platform's view.</summary>
    public long? TenantRevision { get; init; }
}

/// <summary>A tenant's override of a system's configuration.</summary>
public sealed record TenantConfigResponse
{
    /// <summary>The system.</summary>
    public required string SystemId { get; init; }

    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The override's revision (0 before the first write).</summary>
    public required long Revision { get; init; }

    /// <summary>The override (a JSON object).</summary>
    public required JsonElement Config { get; init; }

    /// <summary>When it was last written; null before the first write.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A page of systems.</summary>
public sealed record SystemListResponse
{
    /// <summary>The systems, by id.</summary>
    public required IReadOnlyList<ManagementSystem> Systems { get; init; }

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>A system's versions, newest release first.</summary>
public sealed record SystemVersionListResponse
{
    /// <summary>The versions.</summary>
    public required IReadOnlyList<SystemVersion> Versions { get; init; }
}

/// <summary>The systems assigned to a tenant.</summary>
public sealed record TenantSystemListResponse
{
    /// <summary>The assignments, by system id.</summary>
    public required IReadOnlyList<TenantSystem> Systems { get; init; }
}

/// <summary>A configuration's revisions, newest first.</summary>
public sealed record ConfigRevisionListResponse
{
    /// <summary>The revisions.</summary>
    public required IReadOnlyList<ConfigRevision> Revisions { get; init; }
}
