namespace Mnemo.Storage.Sqlite;

/// <summary>
/// The words of a keyword question that are worth matching: split on anything that is not a letter
/// or digit, lower-cased, English stop words dropped (PostgreSQL's <c>english</c> configuration
/// drops the same words itself), so a question made only of stop words finds nothing on either backend.
/// </summary>
internal static class QueryWords
{
    // PostgreSQL's english.stop list, which Snowball's English stop words are.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves",
        "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they", "them", "their",
        "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was",
        "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "a", "an", "the",
        "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by", "for", "with", "about", "against",
        "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down", "in",
        "out", "on", "off", "over", "under", "again", "further", "then", "once", "here", "there", "when", "where", "why",
        "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only",
        "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now",
    };

    /// <summary>The distinct words of <paramref name="text"/> to search for, in order.</summary>
    public static IReadOnlyList<string> Of(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || char.IsSurrogate(text[i]));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return [.. words.Distinct(StringComparer.Ordinal).Where(word => !StopWords.Contains(word))];
    }
}
