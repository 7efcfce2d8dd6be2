using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 16: samples/Mnemo.AgentChat, built and run as a user runs it, against the real server
/// and a fake OpenAI-compatible chat endpoint on loopback that streams "Noted." and records what
/// it was asked: a second chat is given what the user said in the first.
/// </summary>
public sealed class AgentChatSampleTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>, IAsyncLifetime
{
    /// <summary>The answer's stream: its text, then the end.</summary>
    private static readonly string[] AnswerDeltas = ["""{"role":"assistant","content":"Noted."}""", "{}"];

    private readonly List<JsonElement> _requests = [];
    private WebApplication? _model;
    private Uri? _modelAddress;

    public async Task InitializeAsync()
    {
        _model = await LoopbackApp.StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            lock (_requests)
            {
                _requests.Add(body.RootElement.Clone());
            }
            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in AnswerDeltas)
            {
                var finish = chunk == "{}" ? "\"stop\"" : "null";
                await context.Response.WriteAsync(
                    $$"""data: {"id":"c1","object":"chat.completion.chunk","created":0,"model":"fake","choices":[{"index":0,"delta":{{chunk}},"finish_reason":{{finish}}}]}""" + "\n\n");
            }
            await context.Response.WriteAsync("data: [DONE]\n\n");
        }));
        _modelAddress = new Uri(LoopbackApp.AddressOf(_model));
    }

    public async Task DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_second_chat_is_given_what_the_user_said_in_the_first_and_both_are_kept_as_conversations()
    {
        var (_, mnemo) = await fixture.Server.NewTenantAsync();

        var first = await ChatAsync(mnemo.ApiKey!, "My sister Caroline lives in Lisbon and teaches piano");
        var second = await ChatAsync(mnemo.ApiKey!, "Where does my sister live?");

        Assert.Contains("Noted.", first, StringComparison.Ordinal);
        Assert.Contains("Noted.", second, StringComparison.Ordinal);
        Assert.Equal(2, _requests.Count);
        Assert.DoesNotContain("What you remember", _requests[0].GetProperty("messages").GetRawText(), StringComparison.Ordinal); // a new user
        var secondPrompt = _requests[1].GetProperty("messages").GetRawText();
        Assert.Contains("Caroline lives in Lisbon", secondPrompt, StringComparison.Ordinal);
        Assert.Equal(2, (await mnemo.Conversations.ListAsync("ana")).Conversations.Count);
        Assert.Equal(4, (await mnemo.Messages.ListAsync("ana")).Messages.Count);
    }

    /// <summary>One run of the sample, one line typed; what it printed.</summary>
    private async Task<string> ChatAsync(string apiKey, string line)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ServerProcess.BuiltDll("Mnemo.AgentChat") },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["MNEMO_URL"] = fixture.Server.Address.ToString();
        start.Environment["MNEMO_API_KEY"] = apiKey;
        start.Environment["MNEMO_USER"] = "ana";
        start.Environment["OPENAI_BASE_URL"] = new Uri(_modelAddress!, "v1").ToString();
        start.Environment["OPENAI_MODEL"] = "fake";
        start.Environment["OPENAI_API_KEY"] = "test";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync(line);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        Assert.True(process.ExitCode == 0, await errors);
        return await output;
    }
}
