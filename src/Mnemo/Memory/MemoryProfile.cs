namespace Mnemo.Memory;

/// <summary>Seed 003's user profile: how the assistant should be with this user, and the memory summary.</summary>
public sealed record MemoryProfile
{
    /// <summary>Whose profile.</summary>
    public required string UserId { get; init; }

    /// <summary>Language code.</summary>
    public required string Language { get; init; }

    /// <summary>Who the assistant is for this user (seed 003 persona).</summary>
    public required string Persona { get; init; }

    /// <summary>How the assistant speaks to this user.</summary>
    public required string Tone { get; init; }

    /// <summary>Topics the user likes.</summary>
    public required IReadOnlyList<string> PreferredTopics { get; init; }

    /// <summary>The summary of compressed history, if any.</summary>
    public string? MemorySummary { get; init; }

    /// <summary>When the summary was last written.</summary>
    public DateTimeOffset? SummaryUpdatedAt { get; init; }

    /// <summary>When the profile was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Changes with every write; the profile's ETag.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Version { get; init; }

    /// <summary>A profile made from <paramref name="defaults"/> (complete: see <see cref="ProfileDefaults.Over"/>).</summary>
    public static MemoryProfile FromDefaults(string userId, ProfileDefaults defaults, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new MemoryProfile
        {
            UserId = userId,
            Language = defaults.Language!,
            Persona = defaults.Persona!,
            Tone = defaults.Tone!,
            PreferredTopics = defaults.PreferredTopics ?? [],
            CreatedAt = now,
            UpdatedAt = now,
            Version = 0,
        };
    }
}
