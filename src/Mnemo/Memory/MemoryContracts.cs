using System.ComponentModel.DataAnnotations;
using Mnemo.Messages;
using Mnemo.Validation;

namespace Mnemo.Memory;

/// <summary>Body of <c>PUT /api/v1/users/{user_id}/memory/profile</c>: absent fields keep their value.</summary>
public sealed record UpdateProfileRequest : IValidatable
{
    /// <summary>Language code.</summary>
    [StringLength(ProfileFields.MaxLanguage, MinimumLength = 1)]
    public string? Language { get; init; }

    /// <summary>The new persona; unchanged when null.</summary>
    [StringLength(ProfileFields.MaxText, MinimumLength = 1)]
    public string? Persona { get; init; }

    /// <summary>The new tone; unchanged when null.</summary>
    [StringLength(ProfileFields.MaxText, MinimumLength = 1)]
    public string? Tone { get; init; }

    /// <summary>Preferred topics (replace).</summary>
    [MaxLength(ProfileFields.MaxTopics)]
    public IReadOnlyList<string>? PreferredTopics { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors) => ProfileFields.Validate(Language, Persona, Tone, PreferredTopics, errors, string.Empty);
}

/// <summary>Body of <c>POST /api/v1/users/{user_id}/memory/events</c> (seed 003: events are messages).</summary>
public sealed record AppendMemoryEventsRequest : IValidatable
{
    /// <summary>The events, oldest first.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(Limits.MaxBatch)]
    public IReadOnlyList<MessageInput>? Events { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Events is null || Events.Count is 0 or > Limits.MaxBatch)
        {
            errors.Add("events", $"must hold 1 to {Limits.MaxBatch} events");
            return;
        }
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is null)
            {
                errors.Add($"events[{i}]", "must be an object");
                continue;
            }
            Events[i].Validate(errors, $"events[{i}].");
        }
    }
}

/// <summary>Memory events (messages), oldest first.</summary>
public sealed record MemoryEventsResponse
{
    /// <summary>The events.</summary>
    public required IReadOnlyList<Message> Events { get; init; }
}

/// <summary>How many memory events (messages) a user has.</summary>
public sealed record MemoryEventCountResponse
{
    /// <summary>The count.</summary>
    public required long Count { get; init; }
}

/// <summary>Body of <c>POST /api/v1/users/{user_id}/memory/compress</c>.</summary>
public sealed record CompressMemoryRequest : IValidatable
{
    /// <summary>The summary of what is deleted (and of any earlier summary).</summary>
    [Required]
    [MinLength(1)]
    public string? Summary { get; init; }

    /// <summary>How many of the newest messages to keep.</summary>
    [Required]
    [Range(0, 100_000)]
    public int? KeepLastN { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(Summary))
        {
            errors.Add("summary", "is required");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(Summary) > Limits.MaxContentBytes)
        {
            errors.Add("summary", $"must be at most {Limits.MaxContentBytes} bytes");
        }
        if (KeepLastN is null or < 0 or > 100_000)
        {
            errors.Add("keep_last_n", "is required, from 0 to 100000");
        }
    }
}

/// <summary>Answer of a compression.</summary>
public sealed record CompressMemoryResponse
{
    /// <summary>Messages deleted.</summary>
    public required long Deleted { get; init; }

    /// <summary>Messages kept.</summary>
    public required long Kept { get; init; }
}
