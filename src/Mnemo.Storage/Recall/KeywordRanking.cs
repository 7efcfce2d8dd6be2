using System.Globalization;

namespace Mnemo.Storage.Recall;

/// <summary>
/// Okapi BM25 (k1 1.2, b 0.75) over keyword matches whose matched words the index has marked, with
/// statistics from the searcher's own messages only. SQLite's FTS5 <c>bm25()</c> takes its word
/// weights from the whole index, every tenant's messages included: a score would tell a tenant how
/// often a word occurs in other tenants' messages. Here a word's weight is its inverse document
/// frequency among the matches against the user's (or, tenant-wide, the tenant's) message count.
/// </summary>
/// <remarks>
/// A word is its lower-cased form as it appears: the index matched "groups" for "group" (it
/// stems), and here the two count as different words, each with its own weight.
/// </remarks>
internal static class KeywordRanking
{
    /// <summary>
    /// At most this many of the newest matches are ranked, on both backends: a search's cost
    /// grows with the matches it reads (about 10 µs each), and a long history's commonest words
    /// match thousands of messages. When there are more, the statistics are those of the window
    /// the matches span — the messages as old as the oldest match read — so a word's weight is
    /// its density there, not its count against the whole history.
    /// </summary>
    public const int MaxMatches = 2000;

    /// <summary>
    /// And at most about this many characters of them: a search reads every match it ranks, and
    /// 5,000 messages of 64 KiB would be 320 MB (LoCoMo's 5,000 are 0.7 million characters).
    /// </summary>
    public const int MaxMarkedChars = 4_000_000;

    /// <summary>Opens a matched word in a match's marked content.</summary>
    public const char MarkStart = '\u0001';

    /// <summary>Closes a matched word in a match's marked content.</summary>
    public const char MarkEnd = '\u0002';

    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <summary>One match: its row and its content with the matched words between the marks.</summary>
    public readonly record struct Match(long Seq, string Marked);

    /// <summary>
    /// The matches' rows, best first (ties: newest first), from <paramref name="offset"/>, at most
    /// <paramref name="limit"/>, with their scores.
    /// </summary>
    public static List<(long Seq, double Score)> Rank(IReadOnlyList<Match> matches, long corpusSize, int limit, int offset)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return [];
        }
        var documents = matches.Select(match => (match.Seq, Terms: MarkedTerms(match.Marked), Length: Math.Max(1, CountWords(match.Marked)))).ToList();
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in documents.SelectMany(document => document.Terms.Keys))
        {
            frequency[term] = frequency.GetValueOrDefault(term) + 1;
        }
        // The corpus holds at least the matches (a count read a moment apart may be smaller).
        var n = Math.Max(corpusSize, matches.Count);
        var averageLength = documents.Average(document => (double)document.Length);
        return [.. documents
            .Select(document => (document.Seq, Score: document.Terms.Sum(term =>
                Idf(n, frequency[term.Key]) * term.Value * (K1 + 1) / (term.Value + K1 * (1 - B + B * document.Length / averageLength)))))
            .OrderByDescending(scored => scored.Score)
            .ThenByDescending(scored => scored.Seq)
            .Skip(offset)
            .Take(limit)];
    }

    /// <summary>
    /// <paramref name="marked"/> with the marks' characters that were already in the message
    /// (<paramref name="content"/>) turned into spaces, so that only the index's marks remain. The
    /// index only inserts marks, so walking both strings tells them apart.
    /// </summary>
    public static string OwnMarksOnly(string marked, string content)
    {
        ArgumentNullException.ThrowIfNull(marked);
        ArgumentNullException.ThrowIfNull(content);
        var result = new char[marked.Length];
        var inContent = 0;
        for (var i = 0; i < marked.Length; i++)
        {
            var character = marked[i];
            var fromContent = inContent < content.Length && character == content[inContent];
            inContent += fromContent ? 1 : 0;
            result[i] = fromContent && character is MarkStart or MarkEnd ? ' ' : character;
        }
        return new string(result);
    }

    private static double Idf(long n, int documentFrequency) => Math.Log(1 + ((n - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>Each marked word, lower-cased, and how often it is marked.</summary>
    private static Dictionary<string, int> MarkedTerms(string marked)
    {
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var start = marked.IndexOf(MarkStart, StringComparison.Ordinal); start >= 0; start = marked.IndexOf(MarkStart, start + 1))
        {
            var end = marked.IndexOf(MarkEnd, start + 1);
            if (end < 0)
            {
                break;
            }
            // One mark may hold several words (the index joins overlapping matches).
            foreach (var word in Words(marked.AsSpan(start + 1, end - start - 1)))
            {
                terms[word] = terms.GetValueOrDefault(word) + 1;
            }
            start = end;
        }
        return terms;
    }

    /// <summary>Words as the index's tokenizer sees them: runs of letters and digits.</summary>
    private static List<string> Words(ReadOnlySpan<char> text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToString().ToLower(CultureInfo.InvariantCulture));
                start = -1;
            }
        }
        return words;
    }

    private static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var character in text)
        {
            var letter = char.IsLetterOrDigit(character);
            count += letter && !inWord ? 1 : 0;
            inWord = letter;
        }
        return count;
    }
}
