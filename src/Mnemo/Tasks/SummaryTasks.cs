using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mnemo.Tasks;

/// <summary>The request of a <c>summarize</c> task.</summary>
public sealed record SummarizeRequest
{
    /// <summary>Whose history.</summary>
    public required string UserId { get; init; }

    /// <summary>Summarise messages up to this one; later ones are kept.</summary>
    public required long UpToSeq { get; init; }

    /// <summary>How many of the newest messages the compression keeps.</summary>
    public required int KeepLastN { get; init; }

    /// <summary>Reads a task's request; null when it is not a summarize request.</summary>
    public static SummarizeRequest? From(QueuedTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return task.Request.Deserialize(Json.MnemoJsonContext.Default.SummarizeRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The result a worker completes a <c>summarize</c> task with.</summary>
public sealed record SummarizeResult
{
    /// <summary>The summary of the messages up to <c>up_to_seq</c> (and of the earlier summary).</summary>
    [JsonRequired]
    public required string Summary { get; init; }
}
