// A sample worker for Mnemo's memory loop. It claims `summarize` tasks, reads the history each
// one covers, and completes it with a summary, which makes Mnemo compress that history.
//
// THE SUMMARISER HERE IS A PLACEHOLDER: it concatenates the messages. A real worker calls an
// LLM at the marked line. Usage:
//   MNEMO_URL=http://localhost:5000 MNEMO_API_KEY=mk_... dotnet run --project samples/Mnemo.SummaryWorker
using System.Text.Json;
using Mnemo.Client;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Tasks;

var url = Environment.GetEnvironmentVariable("MNEMO_URL") ?? "http://localhost:5000";
var apiKey = Environment.GetEnvironmentVariable("MNEMO_API_KEY")
    ?? throw new InvalidOperationException("Set MNEMO_API_KEY to a tenant key with the write scope.");
var workerId = $"summary-worker-{Environment.MachineName}-{Environment.ProcessId}";

using var http = new HttpClient { BaseAddress = new Uri(url) };
var mnemo = new MnemoClient(http, apiKey);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

Console.WriteLine($"{workerId}: waiting for summarize tasks at {url} (Ctrl+C stops)");
try
{
    await RunAsync(mnemo, workerId, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine($"{workerId}: stopped");
}

static async Task RunAsync(MnemoClient mnemo, string workerId, CancellationToken stopping)
{
    while (true)
    {
        var claimed = await mnemo.Tasks.ClaimNextAsync(new ClaimNextTasksRequest
        {
            WorkerId = workerId, TaskTypes = [TaskTypes.Summarize], LeaseSeconds = 120, Max = 5,
        }, stopping);
        if (claimed.Tasks.Count == 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), stopping);
            continue;
        }
        foreach (var task in claimed.Tasks)
        {
            var request = task.Request.Deserialize(MnemoJsonContext.Default.SummarizeRequest)!;
            try
            {
                var history = await ReadUpToAsync(mnemo, request, stopping);
                var summary = Summarise(history);
                await mnemo.Tasks.CompleteAsync(task.Id, new TaskHolderRequest
                {
                    WorkerId = workerId,
                    LeaseToken = task.LeaseToken,
                    Result = JsonSerializer.SerializeToElement(new SummarizeResult { Summary = summary }, MnemoJsonContext.Default.SummarizeResult),
                }, stopping);
                Console.WriteLine($"{workerId}: summarised {history.Count} messages of {request.UserId}");
            }
            catch (MnemoApiException exception)
            {
                Console.Error.WriteLine($"{workerId}: task {task.Id} failed: {exception.Message}");
                await mnemo.Tasks.FailAsync(task.Id, new TaskHolderRequest { WorkerId = workerId, LeaseToken = task.LeaseToken, Error = exception.Message }, stopping);
            }
        }
    }
}

// Pages back from the newest message until it has every message up to the task's up_to_seq.
static async Task<List<Message>> ReadUpToAsync(MnemoClient mnemo, SummarizeRequest request, CancellationToken cancellationToken)
{
    var messages = new List<Message>();
    string? before = null;
    do
    {
        var page = await mnemo.Messages.ListAsync(request.UserId, limit: 200, before: before, cancellationToken: cancellationToken);
        messages.InsertRange(0, page.Messages.Where(message => message.Seq <= request.UpToSeq));
        before = page.NextCursor;
    }
    while (before is not null);
    return messages;
}

// PLACEHOLDER SUMMARISER: joins the messages. Replace with a call to your LLM.
static string Summarise(IReadOnlyList<Message> history) =>
    "[placeholder summary: concatenated messages] " + string.Join(" | ", history.Select(message => $"{message.Role}: {message.Content}"));
