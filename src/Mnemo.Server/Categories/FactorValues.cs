using System.Globalization;
using Mnemo.Categories;
using Mnemo.Validation;

namespace Mnemo.Server.Categories;

/// <summary>
/// Checks values given for the tenant's factors (an assignment's, an extension's practicality
/// factors): each names a factor of the registry and lies within its range; else one 400
/// naming every value that does not.
/// </summary>
public sealed class FactorValues(IFactorStore factors)
{
    /// <summary>The factors <paramref name="values"/> name, once every value is valid.</summary>
    /// <exception cref="RequestValidationException">A value names no factor, or lies outside its factor's range.</exception>
    public async Task<IReadOnlyList<Factor>> CheckAsync(
        string tenantId, IReadOnlyDictionary<string, double> values, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        var known = (await factors.GetManyAsync(tenantId, [.. values.Keys], cancellationToken)).ToDictionary(factor => factor.Id, StringComparer.Ordinal);
        var errors = new ValidationErrors();
        foreach (var (factorId, value) in values)
        {
            if (!known.TryGetValue(factorId, out var factor))
            {
                errors.Add($"{field}.{factorId}", "is not a factor of this tenant");
            }
            else if (value < factor.Min || value > factor.Max)
            {
                errors.Add($"{field}.{factorId}",
                    string.Create(CultureInfo.InvariantCulture, $"must be between {factor.Min} and {factor.Max} (the factor's range)"));
            }
        }
        return errors.IsEmpty ? [.. known.Values] : throw new RequestValidationException(errors);
    }
}
