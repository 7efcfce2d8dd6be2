using System.Text;

namespace Mnemo.Storage;

/// <summary>
/// Advisory "last seen" style times written in bulk: each row's time column is moved forward to
/// the given time, never back, with one multi-row UPDATE per chunk rather than one per row, so a
/// flush of thousands of users holds the writer (SQLite) or a connection (PostgreSQL) briefly.
/// </summary>
internal static class LaterTimes
{
    private const int RowsPerStatement = 500;

    /// <summary>One row to touch: its tenant, its id and the time it was seen.</summary>
    public readonly record struct Touch(string TenantId, object Id, DateTimeOffset At);

    /// <summary>
    /// Sets <paramref name="timeColumn"/> of <paramref name="table"/> (keyed by tenant_id and id) to
    /// each touch's time where that is later. Table and column are the caller's constants.
    /// </summary>
    public static async Task WriteAsync(
        StoreSession session, string table, string timeColumn, IEnumerable<Touch> touches, CancellationToken cancellationToken)
    {
        // A stable order, so two nodes flushing at once lock rows in the same order.
        var ordered = touches.OrderBy(touch => touch.TenantId, StringComparer.Ordinal).ThenBy(touch => touch.Id.ToString(), StringComparer.Ordinal);
        foreach (var chunk in ordered.Chunk(RowsPerStatement))
        {
            var text = new StringBuilder("WITH touched (tenant_id, id, at) AS (VALUES ");
            await using var command = session.CommandBuiltLater();
            for (var i = 0; i < chunk.Length; i++)
            {
                text.Append(i == 0 ? "" : ", ").Append($"(@tenant_id{i}, @id{i}, @at{i})");
                command.With($"tenant_id{i}", chunk[i].TenantId).With($"id{i}", chunk[i].Id).With($"at{i}", chunk[i].At);
            }
            text.Append($"""
                )
                UPDATE {table} SET {timeColumn} = touched.at
                FROM touched
                WHERE {table}.tenant_id = touched.tenant_id AND {table}.id = touched.id
                  AND ({table}.{timeColumn} IS NULL OR {table}.{timeColumn} < touched.at)
                """);
            command.SetText(text.ToString());
            await command.ExecuteAsync(cancellationToken);
        }
    }
}
