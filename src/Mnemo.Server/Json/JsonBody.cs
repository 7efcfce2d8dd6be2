using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mnemo.Json;
using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Json;

/// <summary>
/// A request body read strictly: JSON only, text both stores can keep, no field given twice,
/// every unknown field named in one 400, type errors
/// named by field, then the request's own validation. Bodies over the configured limit stop
/// with 413 while being read (Kestrel enforces the limit on the stream).
/// </summary>
public sealed class JsonBody<T>
    where T : class
{
    private static readonly JsonTypeInfo<T> TypeInfo = (JsonTypeInfo<T>)MnemoJsonContext.Default.GetTypeInfo(typeof(T))!;

    private JsonBody(T value) => Value = value;

    /// <summary>The request.</summary>
    public T Value { get; }

    /// <summary>Minimal APIs' custom binding hook.</summary>
#pragma warning disable CA1000 // Minimal APIs look for BindAsync on the parameter's own type.
    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            throw BodyRequired();
        }
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Unsupported media type", "Send the body as application/json.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.MalformedJson, "Malformed JSON",
                $"The request body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                throw BodyRequired();
            }
            var errors = new ValidationErrors();
            var numbers = new ValidationErrors();
            var duplicates = new ValidationErrors();
            StorableText.Collect(root, string.Empty, errors, numbers, duplicates);
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
            StrictJson.CollectUnknownMembers(root, TypeInfo, string.Empty, errors);
            if (!errors.IsEmpty)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.UnknownFields, "Unknown fields",
                    "The request names fields that this endpoint does not accept.", errors.ToDictionary());
            }

            T? value;
            try
            {
                value = root.Deserialize(TypeInfo);
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
            return new JsonBody<T>(value);
        }
    }

#pragma warning restore CA1000

    private static ApiProblemException BodyRequired() =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.BodyRequired, "Body required", "This endpoint needs a JSON body.");
}
