namespace Mnemo.Validation;

/// <summary>
/// Every problem found in a request, by snake_case field path, up to <see cref="MaxFields"/>
/// fields: a body of a hundred thousand bad items gets a short answer, not a larger one.
/// </summary>
public sealed class ValidationErrors
{
    /// <summary>How many fields an answer names; the rest are counted under <c>(more)</c>.</summary>
    public const int MaxFields = 50;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private int _fieldsLeftOut;

    /// <summary>True when no field has an error.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Records that <paramref name="field"/> is bad, and why.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            if (_errors.Count == MaxFields)
            {
                _fieldsLeftOut++;
                return;
            }
            messages = [];
            _errors[field] = messages;
        }
        messages.Add(message);
    }

    /// <summary>The errors in the shape of RFC 9457 validation problems.</summary>
    public IDictionary<string, string[]> ToDictionary()
    {
        var errors = _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
        if (_fieldsLeftOut > 0)
        {
            errors["(more)"] = [$"{_fieldsLeftOut} more fields have errors"];
        }
        return errors;
    }
}
