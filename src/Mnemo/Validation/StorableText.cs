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
    public const string Rule = "contains a character that cannot be stored (NUL or an unpaired surrogate)";

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
    /// Walks a JSON body: every property name and string value that cannot be stored, and every
    /// object that names a property twice (System.Text.Json would keep the last one silently).
    /// Fields are named as the other body errors name them (<c>messages[0].metadata.key</c>).
    /// </summary>
    public static void Collect(JsonElement element, string path, ValidationErrors invalid, ValidationErrors duplicates)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        ArgumentNullException.ThrowIfNull(duplicates);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (!IsStorable(element.GetString()))
                {
                    invalid.Add(Field(path), Rule);
                }
                break;
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    var propertyPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (!IsStorable(property.Name))
                    {
                        invalid.Add(Field(propertyPath), Rule);
                        continue;
                    }
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (!seen.Add(property.Name))
                    {
                        duplicates.Add(propertyPath, "is given more than once");
                    }
                    Collect(property.Value, propertyPath, invalid, duplicates);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, $"{path}[{index++}]", invalid, duplicates);
                }
                break;
            default:
                break;
        }
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
