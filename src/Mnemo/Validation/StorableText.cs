using System.Text.Json;

namespace Mnemo.Validation;

/// <summary>
/// Text both stores can keep. PostgreSQL's <c>text</c> and <c>jsonb</c> refuse NUL (U+0000), and
/// a lone UTF-16 surrogate has no UTF-8 form at all; SQLite would store either. Refusing them at
/// the edge keeps the two backends answering the same, and keeps such input away from the
/// database, where it would fail a whole group-committed batch.
/// </summary>
public static class StorableText
{
    /// <summary>What a field holding such a character is told.</summary>
    public const string Rule = "contains a character that cannot be stored (NUL, an unpaired surrogate or bytes that are not UTF-8)";

    /// <summary>What a number that a store cannot keep is told.</summary>
    public const string NumberRule = "is a number that cannot be stored: write it in at most 100 characters, with an exponent within ±1000";

    // PostgreSQL's jsonb keeps numbers as numeric, which refuses an exponent beyond ±1000; SQLite
    // keeps the text. A bound both keep, and far beyond any number metadata needs.
    private const int MaxNumberLength = 100;
    private const int MaxExponent = 1000;

    /// <summary>True when <paramref name="value"/> holds neither NUL nor an unpaired surrogate.</summary>
    public static bool IsStorable(ReadOnlySpan<char> value)
    {
        if (value.Contains('\0'))
        {
            return false;
        }
        var surrogate = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (surrogate < 0)
        {
            return true;
        }
        for (var i = surrogate; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Walks a JSON body: every property name and string value that cannot be stored, every number
    /// that cannot (<see cref="NumberRule"/>), and every object that names a property twice (System.Text.Json would keep the last one silently).
    /// Fields are named as the other body errors name them (<c>messages[0].metadata.key</c>).
    /// </summary>
    public static void Collect(JsonElement element, string path, ValidationErrors invalid, ValidationErrors numbers, ValidationErrors duplicates)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        ArgumentNullException.ThrowIfNull(numbers);
        ArgumentNullException.ThrowIfNull(duplicates);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!TryRead(() => element.GetString()!, out var text) || !IsStorable(text))
                {
                    invalid.Add(Field(path), Rule);
                }
                break;
            case JsonValueKind.Number:
                if (!IsStorableNumber(element.GetRawText()))
                {
                    numbers.Add(Field(path), NumberRule);
                }
                break;
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryRead(() => property.Name, out var name) || !IsStorable(name))
                    {
                        invalid.Add(Field(path.Length == 0 ? "(name)" : $"{path}.(name)"), Rule);
                        continue;
                    }
                    var propertyPath = path.Length == 0 ? name : $"{path}.{name}";
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(name))
                    {
                        duplicates.Add(propertyPath, "is given more than once");
                    }
                    Collect(property.Value, propertyPath, invalid, numbers, duplicates);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, $"{path}[{index++}]", invalid, numbers, duplicates);
                }
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// System.Text.Json checks a string's UTF-8 and escapes only when it is read: a lone surrogate
    /// escape (<c>\ud800</c>) or a byte that is not UTF-8 throws then, and is text no store can keep.
    /// </summary>
    private static bool TryRead(Func<string> read, out string text)
    {
        try
        {
            text = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static bool IsStorableNumber(string raw)
    {
        if (raw.Length > MaxNumberLength)
        {
            return false;
        }
        var exponentAt = raw.AsSpan().IndexOfAny('e', 'E');
        return exponentAt < 0
            || (int.TryParse(raw.AsSpan(exponentAt + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var exponent)
                && Math.Abs(exponent) <= MaxExponent);
    }

    // A name that cannot be stored cannot be echoed either: the error names it with the bad characters escaped.
    private static string Field(string path) => path.Length == 0 ? "(body)" : Escape(path);

    private static string Escape(string path)
    {
        if (IsStorable(path))
        {
            return path;
        }
        var escaped = new System.Text.StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            _ = c == '\0' || char.IsSurrogate(c) ? escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)) : escaped.Append(c);
        }
        return escaped.ToString();
    }
}
