using Mnemo.Messages;
using Mnemo.Validation;

namespace Mnemo.Server.Validation;

/// <summary>The message filters that lists and searches share, read from query values; each bad one is added to the errors.</summary>
public static class MessageFilters
{
    /// <summary>The <c>conversation_id</c>, which must be a UUID.</summary>
    public static Guid? ConversationId(string? value, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return null;
        }
        if (Guid.TryParse(value, out var parsed))
        {
            return parsed;
        }
        errors.Add("conversation_id", "must be a UUID");
        return null;
    }

    /// <summary>The <c>role</c>, which must be one of the message roles.</summary>
    public static string? Role(string? value, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is not null && !MessageRoles.IsKnown(value))
        {
            errors.Add("role", "must be 'user', 'assistant', 'system' or 'tool'");
        }
        return value;
    }
}
