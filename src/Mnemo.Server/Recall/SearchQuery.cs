using Microsoft.AspNetCore.Mvc;
using Mnemo.Recall;
using Mnemo.Server.Validation;
using Mnemo.Validation;

namespace Mnemo.Server.Recall;

/// <summary>The search parameters of <c>GET …/messages/search</c>, bound with <c>[AsParameters]</c>.</summary>
public readonly record struct SearchQuery
{
    /// <summary>The question or words to look for (at most 500 characters).</summary>
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    /// <summary><c>hybrid</c> (the default when semantic search is on), <c>semantic</c> or <c>keyword</c>.</summary>
    [FromQuery(Name = "mode")]
    public string? Mode { get; init; }

    /// <summary>Only this conversation's messages.</summary>
    [FromQuery(Name = "conversation_id")]
    public string? ConversationId { get; init; }

    /// <summary>Only this role's messages.</summary>
    [FromQuery(Name = "role")]
    public string? Role { get; init; }

    /// <summary>Only messages created at or after this time (RFC 3339).</summary>
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    /// <summary>Only messages created before this time (RFC 3339).</summary>
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    /// <summary>The question, the mode and the filter; a 400 naming every bad parameter.</summary>
    public (string Question, string? Mode, RecallFilter Filter) Validate()
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(Q) || Q.Length > 500)
        {
            errors.Add("q", "is required, at most 500 characters");
        }
        if (Mode is not null && !MessageSearch.Modes.Contains(Mode))
        {
            errors.Add("mode", "must be 'hybrid', 'semantic' or 'keyword'");
        }
        var conversation = MessageFilters.ConversationId(ConversationId, errors);
        MessageFilters.Role(Role, errors);
        var from = Time(From, "from", errors);
        var to = Time(To, "to", errors);
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        return (Q!, Mode, new RecallFilter { ConversationId = conversation, Role = Role, From = from, To = to });
    }

    private static DateTimeOffset? Time(string? value, string field, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors.Add(field, "must be an RFC 3339 time");
        return null;
    }
}
