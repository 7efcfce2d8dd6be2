using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mnemo.Server.Tests;

/// <summary>One span as an OTLP collector receives it.</summary>
internal sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> LinkedSpanIds);

/// <summary>
/// An OTLP/HTTP collector on loopback: what the SDK's exporter posts to <c>/v1/traces</c>
/// (protobuf <c>ExportTraceServiceRequest</c>), read field by field with Google.Protobuf's reader —
/// the OTLP schema's numbers, not its generated classes, which no package here serves.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly List<ReceivedSpan> _spans = [];
    private WebApplication? _app;

    private OtlpReceiver()
    {
    }

    public Uri Address => new(LoopbackApp.AddressOf(_app!));

    public IReadOnlyList<ReceivedSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._app = await LoopbackApp.StartAsync(app =>
        {
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                var spans = ReadRequest(body.ToArray());
                lock (receiver._spans)
                {
                    receiver._spans.AddRange(spans);
                }
                return Results.Bytes([], "application/x-protobuf");
            });
            app.MapPost("/v1/{signal}", () => Results.Bytes([], "application/x-protobuf")); // metrics, logs
        });
        return receiver;
    }

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.scope_spans = 2; ScopeSpans.spans = 2.
    private static IEnumerable<ReceivedSpan> ReadRequest(byte[] request) =>
        Fields(request).Where(field => field.Number == 1)
            .SelectMany(resourceSpans => Fields(resourceSpans.Bytes).Where(field => field.Number == 2))
            .SelectMany(scopeSpans => Fields(scopeSpans.Bytes).Where(field => field.Number == 2))
            .Select(span => ReadSpan(span.Bytes));

    // Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9 (KeyValue), links 13 (Link: span_id 2).
    private static ReceivedSpan ReadSpan(byte[] span)
    {
        var fields = Fields(span);
        Field? Find(int number) => fields.Exists(field => field.Number == number) ? fields.First(field => field.Number == number) : null;
        string Hex(int number) => Convert.ToHexString(Find(number)?.Bytes ?? []);
        var attributes = fields.Where(field => field.Number == 9).Select(field => ReadAttribute(field.Bytes)).ToDictionary(pair => pair.Key, pair => pair.Value);
        var links = fields.Where(field => field.Number == 13)
            .Select(link => Convert.ToHexString(Fields(link.Bytes).First(field => field.Number == 2).Bytes)).ToList();
        return new ReceivedSpan(Hex(1), Hex(2), Hex(4), Encoding.UTF8.GetString(Find(5)?.Bytes ?? []), (int)(Find(6)?.Varint ?? 0), attributes, links);
    }

    // KeyValue: key 1, value 2 (AnyValue: string_value 1, int_value 3).
    private static KeyValuePair<string, string> ReadAttribute(byte[] keyValue)
    {
        var parts = Fields(keyValue);
        var key = Encoding.UTF8.GetString(parts.First(part => part.Number == 1).Bytes);
        var value = Fields(parts.FirstOrDefault(part => part.Number == 2).Bytes ?? []).FirstOrDefault();
        var text = value.Number == 1 ? Encoding.UTF8.GetString(value.Bytes) : value.Varint.ToString(CultureInfo.InvariantCulture);
        return new(key, text);
    }

    /// <summary>One field of a protobuf message: a length-delimited one's bytes, or a varint.</summary>
    private readonly record struct Field(int Number, byte[] Bytes, ulong Varint);

    /// <summary>A message's fields: length-delimited ones and varints; others skipped.</summary>
    private static List<Field> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<Field>();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new Field(number, input.ReadBytes().ToByteArray(), 0));
                    break;
                case WireFormat.WireType.Varint:
                    fields.Add(new Field(number, [], input.ReadUInt64()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return fields;
    }
}
