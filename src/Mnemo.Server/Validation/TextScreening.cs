using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Validation;

/// <summary>
/// Refuses query and route values, and the stored Idempotency-Key header, that no store can keep
/// (<see cref="StorableText"/>) with one 400 <c>invalid_character</c> naming each, before any handler sees them: <c>?q=a%00b</c> is a
/// bad request on both backends, never a database error. Bodies are screened as they are read
/// (<see cref="Json.JsonBody{T}"/>). Runs after authorization, so an anonymous caller learns nothing.
/// </summary>
public static class TextScreening
{
    // The one header whose value is stored.
    private const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Adds the screening to the pipeline.</summary>
    public static IApplicationBuilder UseTextScreening(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            ValidationErrors? errors = null;
            foreach (var (name, values) in context.Request.Query)
            {
                if (!StorableText.IsStorable(name))
                {
                    (errors ??= new()).Add("(query)", StorableText.Rule);
                }
                foreach (var value in values)
                {
                    if (!StorableText.IsStorable(value))
                    {
                        (errors ??= new()).Add(name, StorableText.Rule);
                    }
                }
            }
            if (context.Request.Headers.TryGetValue(IdempotencyHeader, out var keys) && keys.Any(key => !StorableText.IsStorable(key)))
            {
                (errors ??= new()).Add(IdempotencyHeader, StorableText.Rule);
            }
            foreach (var (name, value) in context.Request.RouteValues)
            {
                if (value is string text && !StorableText.IsStorable(text))
                {
                    (errors ??= new()).Add(name, StorableText.Rule);
                }
            }
            if (errors is not null)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.InvalidCharacter, "Invalid character",
                    "A query or path value holds a character that cannot be stored.", errors.ToDictionary());
            }
            return next(context);
        });
}
