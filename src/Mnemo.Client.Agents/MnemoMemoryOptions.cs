using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mnemo.Client.Agents;

/// <summary>How much memory goes into a model call, and what is stored after it.</summary>
public sealed class MnemoMemoryOptions
{
    /// <summary>Messages from earlier turns that best answer the latest user message (hybrid search); 0 to 50, default 5.</summary>
    public int RelevantLimit { get; set; } = 5;

    /// <summary>
    /// The user's newest messages to add as well (0 to 200). Default 0: the caller's own chat
    /// history already holds the recent turns, and repeating them wastes the model's context.
    /// </summary>
    public int RecentMessages { get; set; }

    /// <summary>Characters of messages the memory may hold (the server's default, 8,000, when null).</summary>
    public int? MaxChars { get; set; }

    /// <summary>The first line of the memory the model is given.</summary>
    public string Heading { get; set; } = "## What you remember about this user";

    /// <summary>
    /// Whether each turn (the new user messages and the model's answer) is stored in Mnemo after
    /// the call. Turn it off when a <see cref="MnemoChatHistoryProvider"/> on the same agent stores them.
    /// </summary>
    public bool StoreTurns { get; set; } = true;

    /// <summary>
    /// For <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/>: the user when a call
    /// names none with <see cref="MnemoChatOptionsExtensions.WithMnemoUser"/>.
    /// </summary>
    public string? UserId { get; set; }

    /// <summary>For <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/>: the conversation turns are stored in, if any.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>Where failures to read or store memory are reported; the model call goes on without memory.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    internal MnemoMemoryOptions Checked()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(RelevantLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RelevantLimit, 50);
        ArgumentOutOfRangeException.ThrowIfNegative(RecentMessages);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecentMessages, 200);
        ArgumentNullException.ThrowIfNull(Heading);
        ArgumentNullException.ThrowIfNull(Logger);
        return this;
    }
}
