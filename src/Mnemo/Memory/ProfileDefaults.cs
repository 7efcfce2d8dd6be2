using System.ComponentModel.DataAnnotations;
using Mnemo.Validation;

namespace Mnemo.Memory;

/// <summary>What a new memory profile starts with: the tenant's <c>default_profile</c>, else Mnemo's own.</summary>
public sealed record ProfileDefaults
{
    /// <summary>Mnemo's own default.</summary>
    public static ProfileDefaults Mnemo { get; } = new() { Language = "en", Persona = "assistant", Tone = "neutral", PreferredTopics = [] };

    /// <summary>Language code, e.g. <c>en</c>, <c>ru</c>.</summary>
    [StringLength(ProfileFields.MaxLanguage, MinimumLength = 1)]
    public string? Language { get; init; }

    /// <summary>Who the assistant is to this user.</summary>
    [StringLength(ProfileFields.MaxText, MinimumLength = 1)]
    public string? Persona { get; init; }

    /// <summary>How the assistant speaks.</summary>
    [StringLength(ProfileFields.MaxText, MinimumLength = 1)]
    public string? Tone { get; init; }

    /// <summary>Topics the user likes.</summary>
    [MaxLength(ProfileFields.MaxTopics)]
    public IReadOnlyList<string>? PreferredTopics { get; init; }

    /// <summary>Value equality, topics compared item by item (a record compares lists by reference).</summary>
    public bool Equals(ProfileDefaults? other) =>
        other is not null
        && Language == other.Language
        && Persona == other.Persona
        && Tone == other.Tone
        && (PreferredTopics ?? []).SequenceEqual(other.PreferredTopics ?? [], StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Language, Persona, Tone, PreferredTopics?.Count ?? 0);

    /// <summary>These defaults with unset members taken from <paramref name="fallback"/>.</summary>
    public ProfileDefaults Over(ProfileDefaults fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new ProfileDefaults
        {
            Language = Language ?? fallback.Language,
            Persona = Persona ?? fallback.Persona,
            Tone = Tone ?? fallback.Tone,
            PreferredTopics = PreferredTopics ?? fallback.PreferredTopics,
        };
    }

    /// <summary>Adds an error for every bad member, under <paramref name="prefix"/>.</summary>
    public void Validate(ValidationErrors errors, string prefix) =>
        ProfileFields.Validate(Language, Persona, Tone, PreferredTopics, errors, prefix);
}

/// <summary>The rules every profile field follows, wherever it is set.</summary>
public static class ProfileFields
{
    /// <summary>Longest language code.</summary>
    public const int MaxLanguage = 35;

    /// <summary>Longest persona or tone.</summary>
    public const int MaxText = 500;

    /// <summary>Most preferred topics, and the longest one.</summary>
    public const int MaxTopics = 50, MaxTopicLength = 100;

    /// <summary>Adds an error for every bad field.</summary>
    public static void Validate(string? language, string? persona, string? tone, IReadOnlyList<string>? topics, ValidationErrors errors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(errors);
        CheckText(language, MaxLanguage, prefix + "language", errors);
        CheckText(persona, MaxText, prefix + "persona", errors);
        CheckText(tone, MaxText, prefix + "tone", errors);
        if (topics is null)
        {
            return;
        }
        if (topics.Count > MaxTopics)
        {
            errors.Add(prefix + "preferred_topics", $"must hold at most {MaxTopics} topics");
        }
        for (var i = 0; i < topics.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(topics[i]) || topics[i].Length > MaxTopicLength)
            {
                errors.Add($"{prefix}preferred_topics[{i}]", $"must be 1 to {MaxTopicLength} characters");
            }
        }
    }

    private static void CheckText(string? value, int max, string field, ValidationErrors errors)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Length > max))
        {
            errors.Add(field, $"must be 1 to {max} characters");
        }
    }
}
