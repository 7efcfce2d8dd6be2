using System.Globalization;
using System.Text;
using Mnemo.Memory;
using Mnemo.Messages;

namespace Mnemo.Client.Agents;

/// <summary>A user's assembled context written as instructions a model reads.</summary>
internal static class MemoryPrompt
{
    /// <summary>
    /// The profile, summary, insights and remembered messages of <paramref name="context"/> under
    /// <paramref name="heading"/>; messages whose text is already in the prompt are not repeated.
    /// </summary>
    public static string Write(AssembledContext context, string heading, IReadOnlySet<string> alreadyInPrompt)
    {
        var text = new StringBuilder(heading).AppendLine();
        var profile = context.Profile;
        text.Append(CultureInfo.InvariantCulture, $"Profile: language {profile.Language}, tone {profile.Tone}, persona {profile.Persona}");
        if (profile.PreferredTopics.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", preferred topics: {string.Join(", ", profile.PreferredTopics)}");
        }
        text.AppendLine();
        if (!string.IsNullOrWhiteSpace(context.Summary))
        {
            text.AppendLine("Summary of earlier conversations:").AppendLine(context.Summary);
        }
        if (context.Insights.Count > 0)
        {
            text.AppendLine("What is known about the user:");
            foreach (var insight in context.Insights)
            {
                text.Append(CultureInfo.InvariantCulture, $"- ({insight.Topic}) {insight.Content}").AppendLine();
            }
        }
        AppendMessages(text, "Relevant things said before:", context.Relevant?.Select(hit => hit.Message), alreadyInPrompt);
        AppendMessages(text, "The latest messages:", context.Messages, alreadyInPrompt);
        return text.ToString().TrimEnd();
    }

    private static void AppendMessages(StringBuilder text, string title, IEnumerable<Message>? messages, IReadOnlySet<string> alreadyInPrompt)
    {
        var fresh = (messages ?? []).Where(message => !alreadyInPrompt.Contains(message.Content)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }
        text.AppendLine(title);
        foreach (var message in fresh)
        {
            text.Append(CultureInfo.InvariantCulture, $"- [{message.CreatedAt:yyyy-MM-dd}] {message.Role}: {message.Content}").AppendLine();
        }
    }
}
