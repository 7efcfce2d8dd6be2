using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mnemo.Client.Agents;

/// <summary>Mnemo memory in a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class MnemoChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="MnemoMemoryChatClient"/>: each call gets the user's memory and its turn is
    /// stored. <paramref name="client"/> defaults to the <see cref="MnemoClient"/> of the service
    /// provider (<c>AddMnemoClient</c>).
    /// </summary>
    /// <example>
    /// <code>
    /// IChatClient chat = new ChatClientBuilder(model)
    ///     .UseMnemoMemory(mnemo, memory => memory.UserId = "user-42")
    ///     .Build();
    /// </code>
    /// </example>
    public static ChatClientBuilder UseMnemoMemory(this ChatClientBuilder builder, MnemoClient? client = null, Action<MnemoMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MnemoMemoryOptions();
        configure?.Invoke(options);
        options = options.Checked();
        return builder.Use((inner, services) =>
        {
            options.Logger ??= services.GetService<ILoggerFactory>()?.CreateLogger<MnemoMemoryChatClient>();
            return new MnemoMemoryChatClient(inner, client ?? services.GetRequiredService<MnemoClient>(), options);
        });
    }
}
