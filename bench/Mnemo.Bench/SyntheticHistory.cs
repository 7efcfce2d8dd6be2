using Mnemo.Client;
using Mnemo.Messages;

namespace Mnemo.Bench;

/// <summary>A user's history of random sentences over a small vocabulary, and questions that share its words.</summary>
internal static class SyntheticHistory
{
    public static readonly string[] Questions =
        ["When did I book the hotel?", "What pet did I adopt?", "Which concert tickets did I buy?", "What did I paint last week?",
         "Where do we go hiking?", "What is in the garden?", "Who plays the guitar?", "How was the school meeting?"];

    private static readonly string[] Words =
        ["trip", "Lisbon", "hotel", "dinner", "pasta", "kitten", "adopted", "painting", "sunrise", "support", "group", "school", "budget",
         "meeting", "birthday", "guitar", "hiking", "mountains", "beach", "novel", "sailors", "garden", "tomatoes", "concert", "tickets"];

    /// <summary>Appends <paramref name="count"/> messages of twelve random words for <paramref name="userId"/>, 100 a request.</summary>
    public static async Task AppendAsync(MnemoClient client, string userId, int count, Random random)
    {
        for (var start = 0; start < count; start += 100)
        {
            await client.Messages.AppendAsync(userId, new AppendMessagesRequest
            {
                Messages = [.. Enumerable.Range(start, Math.Min(100, count - start)).Select(i => new MessageInput
                {
                    Role = i % 2 == 0 ? "user" : "assistant",
                    Content = $"message {i}: " + string.Join(' ', Enumerable.Range(0, 12).Select(_ => Words[random.Next(Words.Length)])),
                })],
            });
        }
    }
}
