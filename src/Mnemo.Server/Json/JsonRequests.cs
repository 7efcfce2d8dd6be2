using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mnemo.Json;
using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Json;

/// <summary>Requests read from JSON with every check a request body gets.</summary>
public static class JsonRequests
{
    /// <summary>
    /// A request read from JSON already parsed, with every check a body gets (the MCP tools read
    /// their arguments through it, so a tool accepts exactly what its REST twin does).
    /// </summary>
    /// <exception cref="ApiProblemException">The request is refused (the problem to answer with).</exception>
    /// <exception cref="RequestValidationException">The request's own validation failed.</exception>
    public static T Read<T>(JsonElement root)
        where T : class
    {
        var typeInfo = (JsonTypeInfo<T>)MnemoJsonContext.Default.GetTypeInfo(typeof(T))!;
        if (root.ValueKind == JsonValueKind.Null)
        {
            throw BodyRequired();
        }
        Screen(root, string.Empty);
        var errors = new ValidationErrors();
        StrictJson.CollectUnknownMembers(root, typeInfo, string.Empty, errors);
        if (!errors.IsEmpty)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.UnknownFields, "Unknown fields",
                "The request names fields that this endpoint does not accept.", errors.ToDictionary());
        }

        T? value;
        try
        {
            value = root.Deserialize(typeInfo);
        }
        catch (JsonException exception)
        {
            throw ApiProblems.InvalidField(StrictJson.FieldPath(string.Empty, exception.Path), "has the wrong type");
        }
        if (value is null)
        {
            throw BodyRequired();
        }
        if (value is IValidatable validatable)
        {
            validatable.Validate(errors);
            if (!errors.IsEmpty)
            {
                throw new RequestValidationException(errors);
            }
        }
        return value;
    }

    /// <summary>
    /// Refuses JSON holding what no store keeps: a string with NUL or an unpaired surrogate, a
    /// number beyond the stores' range, an object naming a field twice. Fields are named under
    /// <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ApiProblemException">The problem to answer with.</exception>
    public static void Screen(JsonElement element, string path)
    {
        var errors = new ValidationErrors();
        var numbers = new ValidationErrors();
        var duplicates = new ValidationErrors();
        StorableText.Collect(element, path, errors, numbers, duplicates);
        if (!errors.IsEmpty)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.InvalidCharacter, "Invalid character",
                "A string in the body holds a character that cannot be stored.", errors.ToDictionary());
        }
        if (!numbers.IsEmpty)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.InvalidNumber, "Invalid number",
                "A number in the body cannot be stored.", numbers.ToDictionary());
        }
        if (!duplicates.IsEmpty)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.DuplicateField, "Duplicate field",
                "The body names a field more than once.", duplicates.ToDictionary());
        }
    }

    /// <summary>400 <c>body_required</c>.</summary>
    internal static ApiProblemException BodyRequired() =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.BodyRequired, "Body required", "This endpoint needs a JSON body.");
}
