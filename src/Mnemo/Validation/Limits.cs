using System.Text;
using System.Text.Json;

namespace Mnemo.Validation;

/// <summary>The size bounds of DESIGN §3, checked before any work.</summary>
public static class Limits
{
    /// <summary>Largest message content, in UTF-8 bytes.</summary>
    public const int MaxContentBytes = 64 * 1024;

    /// <summary>Largest metadata object, in UTF-8 bytes of its JSON.</summary>
    public const int MaxMetadataBytes = 16 * 1024;

    /// <summary>Most messages in one append.</summary>
    public const int MaxBatch = 100;

    /// <summary>Most tags on a message, and the longest tag.</summary>
    public const int MaxTags = 32, MaxTagLength = 64;

    /// <summary>Longest short text field (names, emails, workflow names, event types).</summary>
    public const int MaxShortText = 320;

    /// <summary>Checks that <paramref name="metadata"/>, when present, is an object within the size bound.</summary>
    public static void CheckMetadata(JsonElement? metadata, string field, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (metadata is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "must be a JSON object");
        }
        else if (Encoding.UTF8.GetByteCount(value.GetRawText()) > MaxMetadataBytes)
        {
            errors.Add(field, $"must be at most {MaxMetadataBytes} bytes of JSON");
        }
    }

    /// <summary>Checks an optional short text field.</summary>
    public static void CheckShortText(string? value, string field, ValidationErrors errors, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
            return;
        }
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "must not be blank");
        }
        else if (value.Length > MaxShortText)
        {
            errors.Add(field, $"must be at most {MaxShortText} characters");
        }
    }
}
