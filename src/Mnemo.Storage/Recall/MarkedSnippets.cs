using System.Text;

namespace Mnemo.Storage.Recall;

/// <summary>
/// A snippet made from content whose matched words the index has marked (see
/// <see cref="KeywordRanking"/>): the run of <see cref="Words"/> words holding the most matches
/// (the earliest of equals), the matches in <c>&lt;mark&gt;</c>, and "…" where text was cut. It
/// costs nothing more than the ranking already read, where asking the index for snippets again
/// would tokenize every message a second time.
/// </summary>
internal static class MarkedSnippets
{
    /// <summary>Words a snippet holds (as FTS5's <c>snippet()</c> was asked for).</summary>
    public const int Words = 16;

    /// <summary>The snippet of <paramref name="marked"/>.</summary>
    public static string Of(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var words = new List<(int Start, int End, bool Matched)>();
        var matched = false;
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
                words.Add((start, i, matched));
                start = -1;
            }
            matched = character == KeywordRanking.MarkStart || (matched && character != KeywordRanking.MarkEnd);
        }
        if (words.Count == 0)
        {
            return WithMarkTags(marked);
        }
        var (first, best) = (0, -1);
        for (var window = 0; window <= Math.Max(0, words.Count - Words); window++)
        {
            var count = words.Skip(window).Take(Words).Count(word => word.Matched);
            if (count > best)
            {
                (first, best) = (window, count);
            }
        }
        var last = Math.Min(words.Count, first + Words) - 1;
        var from = first == 0 ? 0 : words[first].Start;
        var to = last == words.Count - 1 ? marked.Length : words[last].End;
        // A mark's end may sit just past the last word kept.
        if (to < marked.Length && marked[to] == KeywordRanking.MarkEnd)
        {
            to++;
        }
        return (first == 0 ? "" : "…") + WithMarkTags(marked[from..to]) + (to == marked.Length ? "" : "…");
    }

    private static string WithMarkTags(string marked)
    {
        var text = new StringBuilder(marked.Length + 16);
        foreach (var character in marked)
        {
            _ = character switch
            {
                KeywordRanking.MarkStart => text.Append("<mark>"),
                KeywordRanking.MarkEnd => text.Append("</mark>"),
                _ => text.Append(character),
            };
        }
        return text.ToString();
    }
}
