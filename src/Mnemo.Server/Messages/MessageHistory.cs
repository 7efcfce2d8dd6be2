using Mnemo.Messages;
using Mnemo.Server.Problems;
using Mnemo.Server.Validation;
using Mnemo.Validation;

namespace Mnemo.Server.Messages;

/// <summary>Paging of a message history as every history list reads it (a user's, a conversation's, a campaign participant's).</summary>
public static class MessageHistory
{
    /// <summary>
    /// Reads the history paging parameters shared by every message list; 400 for any bad one.
    /// <paramref name="before"/> and <paramref name="after"/> are message positions
    /// (<see cref="MessageCursor"/>), which a client may also make from a message it holds.
    /// </summary>
    public static MessageQuery Query(int pageSize, string? before, string? after, string? conversationId, string? role)
    {
        var errors = new ValidationErrors();
        MessagePosition? beforePosition = null, afterPosition = null;
        if (before is not null && after is not null)
        {
            errors.Add("before", "cannot be combined with 'after'");
        }
        if (before is not null)
        {
            if (MessageCursor.TryParse(before, out var position))
            {
                beforePosition = position;
            }
            else
            {
                throw ApiProblems.InvalidCursor("before");
            }
        }
        if (after is not null)
        {
            if (MessageCursor.TryParse(after, out var position))
            {
                afterPosition = position;
            }
            else
            {
                throw ApiProblems.InvalidCursor("after");
            }
        }
        var conversation = MessageFilters.ConversationId(conversationId, errors);
        MessageFilters.Role(role, errors);
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        return new MessageQuery { Limit = pageSize, Before = beforePosition, After = afterPosition, ConversationId = conversation, Role = role };
    }

    /// <summary>The answer for a page: <c>next_cursor</c> continues in the direction read.</summary>
    public static MessageListResponse ToResponse(MessagePage page, bool forward) => new()
    {
        Messages = page.Messages,
        NextCursor = page.HasMore && page.Messages.Count > 0
            ? MessageCursor.For(forward ? page.Messages[^1] : page.Messages[0])
            : null,
    };
}
