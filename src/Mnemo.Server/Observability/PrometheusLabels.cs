using System.Globalization;

namespace Mnemo.Server.Observability;

/// <summary>
/// A measurement's tags as Prometheus label text (<c>a="1",b="x"</c>, sorted by name, values
/// escaped), written into a per-thread buffer: recording a measurement of a series seen before
/// allocates nothing.
/// </summary>
internal static class PrometheusLabels
{
    [ThreadStatic]
    private static char[]? t_buffer;

    /// <summary>The label text of <paramref name="tags"/>; valid until this thread's next call.</summary>
    public static ReadOnlySpan<char> Write(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var buffer = t_buffer ??= new char[256];
        while (true)
        {
            if (TryWrite(tags, buffer, out var length))
            {
                return buffer.AsSpan(0, length);
            }
            buffer = t_buffer = new char[buffer.Length * 2];
        }
    }

    private static bool TryWrite(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<char> destination, out int length)
    {
        length = 0;
        string? previous = null;
        // Tags are few (two or three): pick the next name in order each time rather than sort a copy.
        for (var written = 0; written < tags.Length; written++)
        {
            var next = -1;
            for (var i = 0; i < tags.Length; i++)
            {
                if ((previous is null || string.CompareOrdinal(tags[i].Key, previous) > 0)
                    && (next < 0 || string.CompareOrdinal(tags[i].Key, tags[next].Key) < 0))
                {
                    next = i;
                }
            }
            if (next < 0)
            {
                break; // the same name twice: the first one counts
            }
            previous = tags[next].Key;
            if (!(Append(destination, ref length, written == 0 ? string.Empty : ",")
                && Append(destination, ref length, previous)
                && Append(destination, ref length, "=\"")
                && AppendValue(destination, ref length, tags[next].Value)
                && Append(destination, ref length, "\"")))
            {
                return false;
            }
        }
        return true;
    }

    private static bool AppendValue(Span<char> destination, ref int length, object? value)
    {
        if (value is ISpanFormattable formattable)
        {
            if (!formattable.TryFormat(destination[length..], out var written, default, CultureInfo.InvariantCulture))
            {
                return false;
            }
            length += written;
            return true;
        }
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        foreach (var character in text)
        {
            var escaped = character switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => null,
            };
            if (!(escaped is null ? Append(destination, ref length, character) : Append(destination, ref length, escaped)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Append(Span<char> destination, ref int length, ReadOnlySpan<char> text)
    {
        if (!text.TryCopyTo(destination[length..]))
        {
            return false;
        }
        length += text.Length;
        return true;
    }

    private static bool Append(Span<char> destination, ref int length, char character)
    {
        if (length >= destination.Length)
        {
            return false;
        }
        destination[length++] = character;
        return true;
    }
}
