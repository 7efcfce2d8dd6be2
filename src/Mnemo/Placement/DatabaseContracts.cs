using System.ComponentModel.DataAnnotations;
using Mnemo.Validation;

namespace Mnemo.Placement;

/// <summary>What a database takes: <c>open</c> takes new tenants, <c>closed</c> keeps its tenants and takes no more.</summary>
public static class DatabaseStatus
{
    /// <summary>Takes new tenants.</summary>
    public const string Open = "open";

    /// <summary>Keeps its tenants, takes no new ones (moves to it are refused too).</summary>
    public const string Closed = "closed";

    /// <summary>True for a status Mnemo knows.</summary>
    public static bool IsKnown(string? status) => status is Open or Closed;
}

/// <summary>Body of <c>POST /api/v1/databases</c>: a PostgreSQL database for tenants to live in.</summary>
public sealed record RegisterDatabaseRequest : IValidatable
{
    /// <summary>The slug that names the database for ever.</summary>
    [Required]
    [RegularExpression(Identifiers.TenantIdSchemaPattern)]
    public string? Id { get; init; }

    /// <summary>
    /// An Npgsql connection string or a <c>postgres://</c> URL. Stored encrypted
    /// (<c>Mnemo:EncryptionKey</c>) and never returned.
    /// </summary>
    [Required]
    [StringLength(MaxConnectionStringLength, MinimumLength = 1)]
    public string? ConnectionString { get; init; }

    /// <summary><c>open</c> (default) or <c>closed</c>.</summary>
    [AllowedValues(DatabaseStatus.Open, DatabaseStatus.Closed)]
    public string? Status { get; init; }

    /// <summary>The longest connection string accepted.</summary>
    public const int MaxConnectionStringLength = 2000;

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Identifiers.CheckSlug(errors, "id", Id, required: true);
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("connection_string", "is required");
        }
        else if (ConnectionString.Length > MaxConnectionStringLength)
        {
            errors.Add("connection_string", $"must be at most {MaxConnectionStringLength} characters");
        }
        if (Status is not null && !DatabaseStatus.IsKnown(Status))
        {
            errors.Add("status", "must be 'open' or 'closed'");
        }
    }
}

/// <summary>Body of <c>PUT /api/v1/databases/{database_id}</c>.</summary>
public sealed record UpdateDatabaseRequest : IValidatable
{
    /// <summary><c>open</c> or <c>closed</c>.</summary>
    [Required]
    [AllowedValues(DatabaseStatus.Open, DatabaseStatus.Closed)]
    public string? Status { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Status is null)
        {
            errors.Add("status", "is required");
        }
        else if (!DatabaseStatus.IsKnown(Status))
        {
            errors.Add("status", "must be 'open' or 'closed'");
        }
    }
}

/// <summary>A database tenants live in, as the platform sees it; never its connection string.</summary>
public sealed record DatabaseInfo
{
    /// <summary>Its id; the catalog's is <c>default</c> unless configured.</summary>
    public required string Id { get; init; }

    /// <summary><c>open</c> or <c>closed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>True for the catalog: the configured database, which also holds tenants, keys and placements.</summary>
    public required bool Catalog { get; init; }

    /// <summary>How many tenants live in it.</summary>
    public required long Tenants { get; init; }

    /// <summary>The newest migration applied to it; null when it could not be reached.</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>Whether it answered just now.</summary>
    public required bool Reachable { get; init; }
}

/// <summary>The databases tenants live in.</summary>
public sealed record DatabaseListResponse
{
    /// <summary>The catalog first, then the others by id.</summary>
    public required IReadOnlyList<DatabaseInfo> Databases { get; init; }
}

/// <summary>Answer of <c>GET /api/v1/tenants/{tenant_id}/databases</c> (seed 002's path).</summary>
public sealed record TenantDatabaseResponse
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The database its data lives in.</summary>
    public required string DatabaseId { get; init; }

    /// <summary>That database's newest applied migration; null when it could not be reached.</summary>
    public int? SchemaVersion { get; init; }
}

/// <summary>Body of <c>POST /api/v1/tenants/{tenant_id}/move</c>.</summary>
public sealed record MoveTenantRequest : IValidatable
{
    /// <summary>The database to move the tenant's data to.</summary>
    [Required]
    [RegularExpression(Identifiers.TenantIdSchemaPattern)]
    public string? DatabaseId { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Identifiers.CheckSlug(errors, "database_id", DatabaseId, required: true);
    }
}

/// <summary>Answer of a move: where the tenant lives now, and what was copied.</summary>
public sealed record MoveTenantResponse
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The database it came from.</summary>
    public required string FromDatabaseId { get; init; }

    /// <summary>The database it lives in now.</summary>
    public required string DatabaseId { get; init; }

    /// <summary>Rows copied, table by table (and then removed from the source).</summary>
    public required IReadOnlyDictionary<string, long> MovedRows { get; init; }

    /// <summary>
    /// How long its writes were refused (503 <c>tenant_moving</c>) while it was copied, in
    /// milliseconds; a node that has not yet heard of the move refuses them for up to two seconds more.
    /// </summary>
    public required long WritesPausedMs { get; init; }
}
