namespace Mnemo.Validation;

/// <summary>A request whose fields are invalid; answered as 400 with every bad field listed.</summary>
public sealed class RequestValidationException : Exception
{
    /// <summary>Creates the exception from the collected errors.</summary>
    public RequestValidationException(ValidationErrors errors)
        : base("The request has invalid fields.")
    {
        ArgumentNullException.ThrowIfNull(errors);
        Errors = errors.ToDictionary();
    }

    /// <summary>Creates the exception for one bad field.</summary>
    public RequestValidationException(string field, string message)
        : base("The request has invalid fields.")
    {
        Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] };
    }

    /// <summary>Bad fields and their messages.</summary>
    public IDictionary<string, string[]> Errors { get; }
}
