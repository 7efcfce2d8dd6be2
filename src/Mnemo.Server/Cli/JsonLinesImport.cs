using System.Text.Json;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Server.Messages;
using Mnemo.Tenants;
using Mnemo.Validation;
using Spectre.Console;

namespace Mnemo.Server.Cli;

/// <summary>
/// <c>mnemo import</c>: messages from a JSON Lines file, appended in batches per user. A bad line
/// is reported with its number and skipped; the rest are imported. Lines with an
/// <c>idempotency_key</c> can be imported again without duplicates.
/// </summary>
internal static class JsonLinesImport
{
    private const int BatchSize = 100;

    public static async Task<int> RunAsync(IServiceProvider services, CliConsole console, string tenantId, FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await console.Error.WriteLineAsync($"mnemo: no file {file.FullName}");
            return 2;
        }
        var appender = services.GetRequiredService<MessageAppender>();
        var tenants = services.GetRequiredService<ITenantStore>();
        if (await tenants.GetAsync(tenantId, cancellationToken) is null)
        {
            await console.Error.WriteLineAsync($"mnemo: tenant '{tenantId}' does not exist");
            return 1;
        }
        var problems = new List<string>();
        long imported = 0;
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Out) });
        await ansi.Progress().StartAsync(async progress =>
        {
            var bar = progress.AddTask($"importing {file.Name}", maxValue: Math.Max(1, file.Length));
            var batch = new List<(int Line, ImportLine Message)>();
            string? batchUser = null;

            async Task FlushAsync()
            {
                if (batch.Count == 0)
                {
                    return;
                }
                try
                {
                    await appender.ImportAsync(tenantId, batchUser!, [.. batch.Select(item => item.Message)], cancellationToken);
                    imported += batch.Count;
                }
                catch (ConversationNotFoundException exception)
                {
                    problems.Add($"lines {batch[0].Line}-{batch[^1].Line}: {exception.Message}");
                }
                batch.Clear();
            }

            using var reader = file.OpenText();
            var lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lineNumber++;
                bar.Increment(System.Text.Encoding.UTF8.GetByteCount(line) + 1);
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                if (Parse(line) is not { } parsed)
                {
                    problems.Add($"line {lineNumber}: {Describe(line)}");
                    continue;
                }
                if (parsed.UserId != batchUser || batch.Count == BatchSize)
                {
                    await FlushAsync();
                    batchUser = parsed.UserId;
                }
                batch.Add((lineNumber, parsed));
            }
            await FlushAsync();
            bar.Value = bar.MaxValue;
        });

        foreach (var problem in problems)
        {
            await console.Error.WriteLineAsync(problem);
        }
        await console.Out.WriteLineAsync($"imported {imported} messages; {problems.Count} problem(s)");
        return problems.Count == 0 ? 0 : 1;
    }

    private static ImportLine? Parse(string line)
    {
        try
        {
            var errors = Screen(line);
            if (!errors.IsEmpty)
            {
                return null;
            }
            var parsed = JsonSerializer.Deserialize(line, MnemoJsonContext.Default.ImportLine);
            parsed?.Validate(errors);
            return parsed is not null && errors.IsEmpty ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the HTTP API refuses in any body, refused here too: text no store keeps, a field given twice.</summary>
    private static ValidationErrors Screen(string line)
    {
        var errors = new ValidationErrors();
        using var document = JsonDocument.Parse(line);
        StorableText.Collect(document.RootElement, string.Empty, errors, errors, errors);
        return errors;
    }

    private static string Joined(ValidationErrors errors) =>
        string.Join("; ", errors.ToDictionary().Select(pair => $"{pair.Key} {string.Join(", ", pair.Value)}"));

    private static string Describe(string line)
    {
        try
        {
            var errors = Screen(line);
            if (!errors.IsEmpty)
            {
                return Joined(errors);
            }
            var parsed = JsonSerializer.Deserialize(line, MnemoJsonContext.Default.ImportLine);
            if (parsed is null)
            {
                return "not a JSON object";
            }
            parsed.Validate(errors);
            return Joined(errors);
        }
        catch (JsonException exception)
        {
            return $"not valid JSON ({exception.Path ?? "$"})";
        }
    }
}
