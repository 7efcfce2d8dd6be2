using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using ModelContextProtocol.Protocol;
using Mnemo.Json;
using Mnemo.Problems;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Validation;
using Mnemo.Storage;

namespace Mnemo.Server.Mcp;

/// <summary>
/// Runs a tool's call and answers it as MCP does: the result as structured content (the same
/// snake_case JSON as the REST answer) and as text; a failure as a tool error (<c>isError</c>)
/// whose text says <c>code: detail</c> and then gives the REST problem as JSON — the same status,
/// <c>code</c>, title, detail and field errors — so a client handles both surfaces alike. Whatever
/// arguments a call carries get a tool result (only a request the SDK cannot read as JSON-RPC —
/// arguments that are not an object, JSON nested past 64 levels — gets a JSON-RPC error from the
/// SDK); Mnemo's own faults are logged and answered as <c>internal_error</c>.
/// </summary>
public sealed partial class McpCalls(MnemoDatabase database, ILogger<McpCalls> logger)
{
    /// <summary>The answer to <paramref name="tool"/>'s call of <paramref name="call"/>.</summary>
    public async Task<CallToolResult> RunAsync<T>(string tool, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return Ok(await call());
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return Failed(tool, exception);
        }
    }

    /// <summary>
    /// Null when the arguments are what <paramref name="tool"/> takes and every one could be
    /// stored, else the tool error to answer with, before the arguments reach a tool (as the API
    /// checks every body and query string): an argument the tool does not take is refused (the
    /// SDK would drop it silently), a required one missing or a wrongly typed one is named
    /// (<see cref="ToolArguments"/>), and a NUL in a question
    /// would otherwise reach PostgreSQL, which refuses it with a server error.
    /// </summary>
    public CallToolResult? Screen(string name, Tool? tool, IDictionary<string, JsonElement>? arguments)
    {
        arguments ??= new Dictionary<string, JsonElement>();
        try
        {
            foreach (var (argument, value) in arguments)
            {
                if (!StorableText.IsStorable(argument))
                {
                    throw ApiProblems.InvalidField("arguments", StorableText.Rule);
                }
                JsonRequests.Screen(value, argument);
            }
            if (tool is not null)
            {
                ToolArguments.Check(tool.InputSchema, arguments);
            }
            return null;
        }
        catch (Exception exception) when (exception is ApiProblemException or RequestValidationException)
        {
            return Failed(name, exception);
        }
    }

    /// <summary>
    /// The result of <paramref name="invoke"/>, unless the SDK fails to bind the arguments to the
    /// tool's parameters: what the input schema cannot say, and <see cref="ToolArguments"/>
    /// therefore does not check (a <c>created_at</c> that is no date), throws there, and the SDK
    /// would answer with its own text and no code. A tool answers its own failures through
    /// <see cref="RunAsync"/>, so what is thrown here is a binding failure: a 400.
    /// </summary>
    public async ValueTask<CallToolResult> BindAsync(string name, Func<ValueTask<CallToolResult>> invoke)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        try
        {
            return await invoke();
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { } path ? $" (at {path} of its value)" : string.Empty;
            return Failed(name, ApiProblems.InvalidField("arguments", $"an argument has the wrong type or format{where}"));
        }
    }

    /// <summary>A result: structured, and the same JSON as text for clients that read only text.</summary>
    public static CallToolResult Ok<T>(T value)
    {
        var json = JsonSerializer.SerializeToElement(value, TypeInfo<T>());
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json.GetRawText() }],
            StructuredContent = json,
        };
    }

    /// <summary>The problem a failure is answered with, as a tool error.</summary>
    public CallToolResult Failed(string tool, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var details = ProblemHandling.Describe(exception, database.Dialect);
        if (details.Status >= 500 && exception is not Recall.SemanticSearchUnavailableException)
        {
            LogFailed(logger, exception, tool);
        }
        var problem = Problem(details);
        // Not as structured content: clients check that against the tool's output schema, the
        // success's, even on an error (the TypeScript SDK fails the whole call when it does not match).
        return new CallToolResult
        {
            IsError = true,
            Content =
            [
                new TextContentBlock { Text = $"{problem.Code}: {problem.Detail ?? problem.Title}" + FieldErrors(problem) },
                new TextContentBlock { Text = JsonSerializer.Serialize(problem, MnemoJsonContext.Default.ProblemResponse) },
            ],
        };
    }

    private static ProblemResponse Problem(ProblemDetails details) => new()
    {
        Type = details.Type,
        Title = details.Title,
        Status = details.Status,
        Detail = details.Detail,
        Code = details.Extensions.TryGetValue("code", out var code) ? code as string : ProblemHandling.CodeForStatus(details.Status ?? 500),
        Errors = (details as HttpValidationProblemDetails)?.Errors,
    };

    private static string FieldErrors(ProblemResponse problem) =>
        problem.Errors is { Count: > 0 } errors
            ? " (" + string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(", ", error.Value)}")) + ")"
            : string.Empty;

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        (JsonTypeInfo<T>)(MnemoJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not a wire type of MnemoJsonContext."));

    [LoggerMessage(Level = LogLevel.Error, Message = "MCP tool {Tool} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string tool);
}
