using System.Data.Common;
using Mnemo.Json;
using Mnemo.Messages;

namespace Mnemo.Storage.Messages;

/// <summary>Message rows as every store that reads them maps them.</summary>
internal static class MessageRows
{
    public const string Columns =
        "m.id, m.seq, m.user_id, m.conversation_id, m.campaign_id, m.role, m.content, m.metadata, m.tags, m.created_at, m.edited_at, m.idempotency_key";

    /// <summary>The same columns without the alias, for RETURNING (SQLite allows no qualified names there).</summary>
    public static readonly string UnqualifiedColumns = Columns.Replace("m.", "", StringComparison.Ordinal);

    /// <summary>How many columns <see cref="Columns"/> has; extra columns of a query start here.</summary>
    public static readonly int ColumnCount = Columns.Count(character => character == ',') + 1;

    /// <summary>A row of <see cref="Columns"/>; ordinals in the order listed there.</summary>
    public static Message Read(SqlDialect sql, DbDataReader reader) => new()
    {
        Id = sql.GetGuid(reader, 0),
        Seq = reader.GetInt64(1),
        UserId = reader.GetString(2),
        ConversationId = reader.IsDBNull(3) ? null : sql.GetGuid(reader, 3),
        CampaignId = reader.IsDBNull(4) ? null : reader.GetString(4),
        Role = reader.GetString(5),
        Content = reader.GetString(6),
        Metadata = JsonObjects.Parse(sql.GetJson(reader, 7)),
        Tags = StoredJson.ReadTags(sql.GetJson(reader, 8)),
        CreatedAt = sql.GetTimestamp(reader, 9),
        EditedAt = sql.GetNullableTimestamp(reader, 10),
        IdempotencyKey = reader.IsDBNull(11) ? null : reader.GetString(11),
    };
}
