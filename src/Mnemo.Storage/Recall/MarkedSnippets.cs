using System.Text;

namespace Mnemo.Storage.Recall;

/// <summary>
/// A snippet made from content whose matched words the index has marked (see
/// <see cref="KeywordRanking"/>): the run of <see cref="Words"/> words holding the most matches
/// (the earliest of equals), each matched word in <c>&lt;mark&gt;</c> (so tags always pair), and
/// "…" where text was cut. It costs nothing more than the ranking already read, where asking the
/// index for snippets again would tokenize every message a second time.
/// </summary>
internal static class MarkedSnippets
{
    /// <summary>Words a snippet holds (as FTS5's <c>snippet()</c> was asked for).</summary>
    public const int Words = 16;

    // A word, or the text between two words, longer than this is cut: one 64 KiB token must not
    // make a 64 KiB snippet.
    private const int MaxPiece = 80;

    /// <summary>The snippet of <paramref name="marked"/>.</summary>
    public static string Of(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var words = WordsOf(marked);
        if (words.Count == 0)
        {
            return Cut(Plain(marked, 0, marked.Length), MaxPiece);
        }
        var (first, best) = (0, -1);
        for (var window = 0; window <= Math.Max(0, words.Count - Words); window++)
        {
            var count = 0;
            for (var k = window; k < Math.Min(words.Count, window + Words); k++)
            {
                count += words[k].Matched ? 1 : 0;
            }
            if (count > best)
            {
                (first, best) = (window, count);
            }
        }
        var last = Math.Min(words.Count, first + Words) - 1;
        var snippet = new StringBuilder();
        snippet.Append(first == 0 ? Cut(Plain(marked, 0, words[0].Start), MaxPiece) : "…");
        for (var k = first; k <= last; k++)
        {
            if (k > first)
            {
                snippet.Append(Cut(Plain(marked, words[k - 1].End, words[k].Start), MaxPiece));
            }
            var word = Cut(marked[words[k].Start..words[k].End], MaxPiece);
            snippet.Append(words[k].Matched ? $"<mark>{word}</mark>" : word);
        }
        snippet.Append(last == words.Count - 1 ? Cut(Plain(marked, words[last].End, marked.Length), MaxPiece) : "…");
        return snippet.ToString();
    }

    /// <summary>Runs of letters and digits, each with whether the index marked it.</summary>
    private static List<(int Start, int End, bool Matched)> WordsOf(string marked)
    {
        var words = new List<(int Start, int End, bool Matched)>();
        var inMark = false;
        var start = -1;
        for (var i = 0; i <= marked.Length; i++)
        {
            var character = i < marked.Length ? marked[i] : ' ';
            var inWord = char.IsLetterOrDigit(character);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add((start, i, inMark));
                start = -1;
            }
            inMark = character == KeywordRanking.MarkStart || (inMark && character != KeywordRanking.MarkEnd);
        }
        return words;
    }

    /// <summary>The text from <paramref name="from"/> to <paramref name="to"/> without the marks.</summary>
    private static string Plain(string marked, int from, int to) =>
        marked[from..to].Replace(KeywordRanking.MarkStart.ToString(), "", StringComparison.Ordinal)
            .Replace(KeywordRanking.MarkEnd.ToString(), "", StringComparison.Ordinal);

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
