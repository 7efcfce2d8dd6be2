using System.Data.Common;
using Mnemo.Memory;

namespace Mnemo.Storage.Memory;

/// <summary>Profile rows, read by the profile store and by context assembly.</summary>
internal static class ProfileRows
{
    public const string Columns =
        "user_id, language, persona, tone, preferred_topics, memory_summary, summary_updated_at, version, created_at, updated_at";

    /// <summary>
    /// Writes <c>@language</c>... as a fresh profile, or — on an existing one — replaces every
    /// field with them (a reset) and bumps the version, so an old ETag never matches again.
    /// </summary>
    public const string UpsertFreshSql = $"""
        INSERT INTO profiles (tenant_id, user_id, language, persona, tone, preferred_topics, memory_summary, summary_updated_at, version, created_at, updated_at)
        VALUES (@tenant_id, @user_id, @language, @persona, @tone, @preferred_topics, @memory_summary, @summary_updated_at, 1, @now, @now)
        ON CONFLICT (tenant_id, user_id) DO UPDATE SET
            language = excluded.language,
            persona = excluded.persona,
            tone = excluded.tone,
            preferred_topics = excluded.preferred_topics,
            memory_summary = excluded.memory_summary,
            summary_updated_at = excluded.summary_updated_at,
            version = profiles.version + 1,
            created_at = excluded.created_at,
            updated_at = excluded.updated_at
        RETURNING {Columns}
        """;

    public const string InsertIfMissingSql = """
        INSERT INTO profiles (tenant_id, user_id, language, persona, tone, preferred_topics, memory_summary, summary_updated_at, version, created_at, updated_at)
        VALUES (@tenant_id, @user_id, @language, @persona, @tone, @preferred_topics, NULL, NULL, 1, @now, @now)
        ON CONFLICT (tenant_id, user_id) DO NOTHING
        """;

    /// <summary>Binds a complete set of defaults as <c>@language</c>, <c>@persona</c>, <c>@tone</c>, <c>@preferred_topics</c>.</summary>
    public static SqlCommand WithDefaults(this SqlCommand command, ProfileDefaults defaults) =>
        command.With("language", defaults.Language)
            .With("persona", defaults.Persona)
            .With("tone", defaults.Tone)
            .WithJson("preferred_topics", StoredJson.Tags(defaults.PreferredTopics ?? []));

    public static MemoryProfile Read(SqlDialect sql, DbDataReader reader, int offset = 0) => new()
    {
        UserId = reader.GetString(offset),
        Language = reader.GetString(offset + 1),
        Persona = reader.GetString(offset + 2),
        Tone = reader.GetString(offset + 3),
        PreferredTopics = StoredJson.ReadTags(sql.GetJson(reader, offset + 4)),
        MemorySummary = reader.IsDBNull(offset + 5) ? null : reader.GetString(offset + 5),
        SummaryUpdatedAt = sql.GetNullableTimestamp(reader, offset + 6),
        Version = reader.GetInt64(offset + 7),
        CreatedAt = sql.GetTimestamp(reader, offset + 8),
        UpdatedAt = sql.GetTimestamp(reader, offset + 9),
    };
}
