using Microsoft.Extensions.Logging;

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

    /// <summary>Characters of messages the memory may hold, 0 to 1,000,000 (the server's default, 8,000, when null).</summary>
    public int? MaxChars { get; set; }

    /// <summary>The first line of the memory the model is given.</summary>
    public string Heading { get; set; } = "## What you remember about this user";

    /// <summary>
    /// Whether each turn (the caller's new user and assistant messages, and the model's answer) is
    /// stored in Mnemo after the call. The context provider never stores when the agent keeps its
    /// history with a <see cref="MnemoChatHistoryProvider"/>, which stores the turns itself. Turn it
    /// off for a client holding a user's token: those only read.
    /// </summary>
    public bool StoreTurns { get; set; } = true;

    /// <summary>
    /// How long reading the memory, or storing a turn, may take (retries included) before the
    /// model call goes on without it; default 10 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/>: the user when a call
    /// names none with <see cref="MnemoChatOptionsExtensions.WithMnemoUser"/>.
    /// </summary>
    public string? UserId { get; set; }

    /// <summary>For <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/>: the conversation turns are stored in, if any.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>
    /// Where failures to read or store memory are reported; the model call goes on without memory.
    /// <see cref="MnemoChatClientBuilderExtensions.UseMnemoMemory"/> takes the service provider's when none is set.
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>A checked copy: later changes to these options do not reach a client built with them.</summary>
    internal MnemoMemoryOptions Checked()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(RelevantLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RelevantLimit, 50);
        ArgumentOutOfRangeException.ThrowIfNegative(RecentMessages);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RecentMessages, 200);
        if (MaxChars is { } maxChars)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxChars, nameof(MaxChars));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxChars, 1_000_000, nameof(MaxChars));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(Heading);
        return (MnemoMemoryOptions)MemberwiseClone();
    }
}
