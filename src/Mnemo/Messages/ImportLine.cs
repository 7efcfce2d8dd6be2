using Mnemo.Validation;

namespace Mnemo.Messages;

/// <summary>One line of a JSON Lines import: a message and the user it belongs to.</summary>
public sealed record ImportLine : MessageInput
{
    /// <summary>The user (created when missing, as appends do).</summary>
    public string? UserId { get; init; }

    /// <summary>Adds every bad field.</summary>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Identifiers.IsUserId(UserId))
        {
            errors.Add("user_id", UserId is null ? "is required" : Identifiers.UserIdRule);
        }
        Validate(errors, string.Empty);
    }
}
