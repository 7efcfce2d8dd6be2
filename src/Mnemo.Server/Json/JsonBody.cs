using System.Reflection;
using System.Text.Json;
using Mnemo.Problems;
using Mnemo.Server.Problems;

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
            throw JsonRequests.BodyRequired();
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
            return new JsonBody<T>(JsonRequests.Read<T>(document.RootElement));
        }
    }

#pragma warning restore CA1000
}
