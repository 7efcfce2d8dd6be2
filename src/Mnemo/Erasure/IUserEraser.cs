namespace Mnemo.Erasure;

/// <summary>GDPR art. 17: removes every row that names a user, in one transaction.</summary>
public interface IUserEraser
{
    /// <summary>Erases the user; the rows deleted per table, or null when the user does not exist.</summary>
    Task<IReadOnlyDictionary<string, long>?> EraseAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>The tenant's erasure ledger, newest first.</summary>
    Task<IReadOnlyList<ErasureRecord>> ListLedgerAsync(string tenantId, int limit, ErasurePosition? before, CancellationToken cancellationToken);

    /// <summary>
    /// After a backup has been restored: erases again every user whose id matches a ledger row
    /// (hashed with that row's salt); the ids erased again.
    /// </summary>
    Task<IReadOnlyList<string>> ReapplyAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>One erasure as the ledger proves it: no id, no content.</summary>
public sealed record ErasureRecord
{
    /// <summary>The ledger row's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>SHA-256 of <c>salt|tenant|user id</c>, hex.</summary>
    public required string UserHash { get; init; }

    /// <summary>The row's random salt, hex.</summary>
    public required string Salt { get; init; }

    /// <summary>Rows deleted per kind.</summary>
    public required IReadOnlyDictionary<string, long> Counts { get; init; }

    /// <summary>When the erasure committed.</summary>
    public required DateTimeOffset ErasedAt { get; init; }
}

/// <summary>A ledger row's place in newest-first order.</summary>
public readonly record struct ErasurePosition(DateTimeOffset ErasedAt, Guid Id);

/// <summary>A page of the erasure ledger.</summary>
public sealed record ErasureListResponse
{
    /// <summary>Newest first.</summary>
    public required IReadOnlyList<ErasureRecord> Erasures { get; init; }

    /// <summary>The next (older) page's cursor, or null.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>Answer of <c>POST /api/v1/erasures/reapply</c>.</summary>
public sealed record ReapplyErasuresResponse
{
    /// <summary>How many users were erased again.</summary>
    public required int Erased { get; init; }
}

/// <summary>Answer of <c>DELETE /api/v1/users/{user_id}</c>.</summary>
public sealed record ErasureResponse
{
    /// <summary>Rows deleted per kind.</summary>
    public required IReadOnlyDictionary<string, long> Deleted { get; init; }
}
