using Mnemo.Messages;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Mnemo.Server.Tests;

/// <summary>
/// Issue 19: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, the server exports its traces over
/// OTLP/HTTP; an append arrives as the request's span, Mnemo's append span under it (with the
/// tenant's id and no content), and the group commit's span linked to the append.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private OtlpReceiver? _collector;
    private MnemoTestServer? _server;

    public async Task InitializeAsync()
    {
        _collector = await OtlpReceiver.StartAsync();
        _server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite), new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_append_is_exported_as_the_requests_span_with_mnemos_append_under_it_and_the_group_commit_linked()
    {
        var (tenantId, client) = await _server!.NewTenantAsync();

        await client.Messages.AppendAsync("ana", new AppendMessagesRequest { Role = "user", Content = "a secret about Lisbon" });
        Assert.True(_server.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        var spans = _collector!.Spans;
        var append = Assert.Single(spans, span => span.Name == "mnemo.append" && span.Attributes.GetValueOrDefault("mnemo.tenant_id") == tenantId);
        var request = Assert.Single(spans, span => span.SpanId == append.ParentSpanId);
        Assert.Equal(append.TraceId, request.TraceId);
        Assert.Equal(2, request.Kind); // SPAN_KIND_SERVER
        Assert.Equal("/api/v1/users/{user_id}/messages/", request.Attributes["http.route"]);
        Assert.Equal("1", append.Attributes["mnemo.messages"]);
        var commit = Assert.Single(spans, span => span.Name == "mnemo.group_commit" && span.LinkedSpanIds.Contains(append.SpanId));
        Assert.NotEqual(append.TraceId, commit.TraceId); // a batch is a trace of its own, linked to each of its callers
        Assert.DoesNotContain(spans, span => span.Attributes.Values.Any(value => value.Contains("Lisbon", StringComparison.Ordinal)));
        Assert.Equal("/api/v1/users/{user_id}/messages/", request.Attributes["url.path"]); // no user id
        // The server's own spans (this test's client calls, traced in the same process, name the user in their URL).
        var servers = spans.Where(span => span.Kind != 3).ToList(); // not SPAN_KIND_CLIENT
        Assert.DoesNotContain(servers, span => span.Attributes.Values.Any(value => value.Contains("/ana", StringComparison.Ordinal)));
    }
}
