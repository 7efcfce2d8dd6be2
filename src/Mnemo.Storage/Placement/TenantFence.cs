using Mnemo.Placement;

namespace Mnemo.Storage.Placement;

/// <summary>
/// What every write of tenant data checks first, inside its own transaction, on PostgreSQL: that
/// the tenant lives in this database (<c>tenants.placed_here</c>) and is not being moved out of
/// it. A move holds the tenant's placement lock exclusively (<see cref="TenantMover"/>); a write
/// tries the same lock shared and does not wait: while the move copies, the write fails at once
/// with <see cref="TenantMovingException"/> (503, retry), and the move waits only for the writes
/// already under way. SQLite is one database and never moves a tenant: nothing to check.
/// </summary>
public static class TenantFence
{
    // The key "placement:<tenant>" cannot be an append's "<tenant>/<user>" (tenant ids have no colon).
    // Two statements sent together: under READ COMMITTED the second takes its snapshot after the
    // first has the locks, so it sees a move that committed before they were granted.
    private const string FenceSql = """
        SELECT t FROM unnest(@tenant_ids) AS t WHERE NOT pg_try_advisory_xact_lock_shared(hashtextextended('placement:' || t, 0));
        SELECT id FROM tenants WHERE id = ANY(@tenant_ids) AND placed_here
        """;

    /// <summary>Of <paramref name="tenantIds"/>, those whose writes this transaction must refuse.</summary>
    public static async Task<IReadOnlySet<string>> RefusedAsync(StoreSession session, IReadOnlyList<string> tenantIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(tenantIds);
        if (!session.Dialect.SupportsMultipleNodes || tenantIds.Count == 0)
        {
            return new HashSet<string>();
        }
        await using var command = session.Command(FenceSql).With("tenant_ids", tenantIds.ToArray());
        var (moving, placed) = await command.ListBothAsync(reader => reader.GetString(0), reader => reader.GetString(0), cancellationToken);
        var refused = new HashSet<string>(moving, StringComparer.Ordinal);
        refused.UnionWith(tenantIds.Except(placed, StringComparer.Ordinal));
        return refused;
    }

    /// <summary>Throws <see cref="TenantMovingException"/> when this transaction must not write <paramref name="tenantId"/>'s data.</summary>
    public static async Task CheckAsync(StoreSession session, string tenantId, CancellationToken cancellationToken)
    {
        if ((await RefusedAsync(session, [tenantId], cancellationToken)).Count > 0)
        {
            throw new TenantMovingException(tenantId);
        }
    }
}
