// A console chat with an agent that remembers. The model is any OpenAI-compatible endpoint
// (OpenAI, Ollama, vLLM, LM Studio...); Mnemo keeps this chat's history in a conversation of
// the user and gives the model what the user said in earlier chats when it bears on the question.
//
//   MNEMO_URL=http://localhost:5000 MNEMO_API_KEY=mk_... MNEMO_USER=ana \
//   OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.2 OPENAI_API_KEY=unused \
//   dotnet run --project samples/Mnemo.AgentChat
//
// Type a message and Enter; an empty line or end of input ends the chat.
using System.ClientModel;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Mnemo.Client;
using Mnemo.Client.Agents;
using OpenAI;

static string Setting(string name, string? fallback = null) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
    : fallback ?? throw new InvalidOperationException($"Set {name}.");

using var http = new HttpClient { BaseAddress = new Uri(Setting("MNEMO_URL", "http://localhost:5000")) };
var mnemo = new MnemoClient(http, Setting("MNEMO_API_KEY"));
var userId = Setting("MNEMO_USER", Environment.UserName);

IChatClient model = new OpenAIClient(
        new ApiKeyCredential(Setting("OPENAI_API_KEY", "unused")),
        new OpenAIClientOptions { Endpoint = new Uri(Setting("OPENAI_BASE_URL", "https://api.openai.com/v1")) })
    .GetChatClient(Setting("OPENAI_MODEL", "gpt-4o-mini"))
    .AsIChatClient();

var agent = model.AsAIAgent(new ChatClientAgentOptions
{
    Name = "mnemo-chat",
    ChatOptions = new ChatOptions { Instructions = "You are a helpful assistant. Use what you remember about the user when it helps." },
    // This chat's turns, in a Mnemo conversation started on the first turn.
    ChatHistoryProvider = new MnemoChatHistoryProvider(mnemo, _ => new MnemoMemoryScope(userId)),
    // What the user said in earlier chats (the history provider stores the turns).
    AIContextProviders = [new MnemoContextProvider(mnemo, _ => new MnemoMemoryScope(userId))],
});
var session = await agent.CreateSessionAsync();

Console.WriteLine($"Chatting as {userId}. An empty line ends the chat.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    await foreach (var update in agent.RunStreamingAsync(line, session))
    {
        Console.Write(update.Text);
    }
    Console.WriteLine();
}
