using System.Text;
using Microsoft.Extensions.AI;
using Mnemo.Messages;
using Mnemo.Validation;

namespace Mnemo.Client.Agents;

/// <summary>Between Microsoft.Extensions.AI's chat messages and Mnemo's stored messages.</summary>
internal static class ChatTurns
{
    /// <summary>
    /// What Mnemo stores of <paramref name="messages"/>: the text of what the user and the
    /// assistant said. Messages without text (a tool call alone, an image), tool results and
    /// system prompts are left out — Mnemo keeps what was said, not the machinery of a call,
    /// and a tool result read back without its call would be refused by the model's API.
    /// </summary>
    public static List<MessageInput> ToInputs(IEnumerable<ChatMessage> messages, Guid? conversationId) =>
        messages
            .Where(message => IsSaid(message.Role.Value) && !string.IsNullOrWhiteSpace(message.Text))
            .Select(message => new MessageInput
            {
                Role = message.Role.Value,
                Content = WithinLimit(Storable(message.Text)),
                ConversationId = conversationId,
            })
            .ToList();

    /// <summary>The stored messages the model reads back as history: what the user and the assistant said.</summary>
    public static IEnumerable<ChatMessage> ToHistory(IEnumerable<Message> messages) =>
        messages.Where(message => IsSaid(message.Role)).Select(message =>
            new ChatMessage(new ChatRole(message.Role), message.Content) { MessageId = message.Id.ToString(), CreatedAt = message.CreatedAt });

    /// <summary>
    /// The messages of the turn being made: those after the last answer of the model. A chat
    /// client is sent the whole conversation every call; only what is new may be stored.
    /// </summary>
    public static IEnumerable<ChatMessage> NewInTurn(IReadOnlyList<ChatMessage> request)
    {
        var lastAnswer = -1;
        for (var i = request.Count - 1; i >= 0; i--)
        {
            if (request[i].Role == ChatRole.Assistant)
            {
                lastAnswer = i;
                break;
            }
        }
        return request.Skip(lastAnswer + 1);
    }

    /// <summary>The latest user message's text, the question memory should answer; null when there is none.</summary>
    public static string? LatestQuestion(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault(message => message.Role == ChatRole.User && !string.IsNullOrWhiteSpace(message.Text))?.Text is { } text
            ? Clip(Storable(text.Trim()), MaxQueryChars)
            : null;

    private static bool IsSaid(string role) => role is "user" or "assistant";

    /// <summary>The context call's <c>query</c> takes at most this many characters.</summary>
    private const int MaxQueryChars = 500;

    /// <summary>The end of a long message: the question is usually in its last sentences.</summary>
    private static string Clip(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }
        var start = text.Length - maxChars;
        if (char.IsLowSurrogate(text[start]))
        {
            start++;
        }
        return text[start..];
    }

    /// <summary>
    /// Mnemo refuses text holding NUL or half a surrogate pair (400 <c>invalid_character</c>), and
    /// one such message would lose its whole turn: both become U+FFFD, as a UTF-8 decoder does.
    /// </summary>
    private static string Storable(string text) =>
        StorableText.IsStorable(text) ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text.Replace('\0', '\uFFFD')));

    /// <summary>Mnemo stores at most 64 KiB of a message; a longer one is cut there (and says so) rather than lost.</summary>
    private static string WithinLimit(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= Limits.MaxContentBytes)
        {
            return text;
        }
        const string Cut = " […]";
        var bytes = Encoding.UTF8.GetBytes(text);
        var end = Limits.MaxContentBytes - Encoding.UTF8.GetByteCount(Cut);
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--; // a UTF-8 continuation byte: the cut would split a character
        }
        return Encoding.UTF8.GetString(bytes, 0, end) + Cut;
    }
}
