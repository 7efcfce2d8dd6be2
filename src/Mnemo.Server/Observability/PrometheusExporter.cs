using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Mnemo.Server.Observability;

/// <summary>
/// Collects Mnemo's <see cref="System.Diagnostics.Metrics"/> instruments and writes them in the
/// Prometheus text exposition format 0.0.4 (no exporter package is available here). Counters
/// are summed per label set; histograms keep cumulative buckets from the instrument's advice.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    /// <summary>
    /// Starts listening to this application's meter named <see cref="MnemoMetrics.MeterName"/>:
    /// the one <paramref name="meterFactory"/> made, not another server's in the same process.
    /// </summary>
    public PrometheusExporter(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // The application's own meter, and the stores' process-wide one.
            if ((instrument.Meter.Name == MnemoMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                || instrument.Meter.Name == Storage.StoreMetrics.MeterName)
            {
                var state = new InstrumentState(instrument, BucketsOf(instrument));
                _instruments[instrument] = state;
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>The content type of the exposition format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Writes every instrument that has been observed.</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        foreach (var state in _instruments.Values.OrderBy(state => state.Instrument.Name, StringComparer.Ordinal))
        {
            state.WriteTo(text);
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private static double[] BucketsOf(Instrument instrument) =>
        instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } boundaries } ? [.. boundaries] : DefaultBuckets;

    /// <summary>One instrument's series, by label set.</summary>
    private sealed class InstrumentState(Instrument instrument, double[] buckets)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        public Instrument Instrument { get; } = instrument;

        private bool IsHistogram { get; } = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);

        // A gauge keeps its last value; a counter the sum of what was added.
        private bool IsGauge { get; } = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Gauge<>);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = PrometheusLabels.Write(tags);
            if (!_series.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(labels, out var series))
            {
                series = _series.GetOrAdd(new string(labels), _ => new Series(buckets.Length));
            }
            lock (series)
            {
                series.Sum = IsGauge ? value : series.Sum + value;
                series.Count++;
                if (IsHistogram)
                {
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        if (value <= buckets[i])
                        {
                            series.Buckets[i]++;
                        }
                    }
                }
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (_series.IsEmpty)
            {
                return;
            }
            var histogram = IsHistogram;
            var name = MetricName(Instrument.Name, histogram || IsGauge);
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(Instrument.Description ?? Instrument.Name)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(histogram ? " histogram\n" : IsGauge ? " gauge\n" : " counter\n");
            foreach (var (labels, series) in _series.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (!histogram)
                    {
                        Line(text, name, labels, null, series.Sum);
                        continue;
                    }
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        Line(text, name + "_bucket", labels, ("le", Number(buckets[i])), series.Buckets[i]);
                    }
                    Line(text, name + "_bucket", labels, ("le", "+Inf"), series.Count);
                    Line(text, name + "_sum", labels, null, series.Sum);
                    Line(text, name + "_count", labels, null, series.Count);
                }
            }
        }

        private static void Line(StringBuilder text, string name, string labels, (string Name, string Value)? extra, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || extra is not null)
            {
                text.Append('{').Append(labels);
                if (extra is { } label)
                {
                    text.Append(labels.Length > 0 ? "," : string.Empty).Append(label.Name).Append("=\"").Append(label.Value).Append('"');
                }
                text.Append('}');
            }
            text.Append(' ').Append(Number(value)).Append('\n');
        }

        /// <summary>The exposition name; a counter's ends in <c>_total</c> (<paramref name="notCounter"/>: a histogram's or a gauge's does not).</summary>
        private static string MetricName(string name, bool notCounter)
        {
            var safe = string.Concat(name.Select(character => char.IsAsciiLetterOrDigit(character) || character is '_' or ':' ? character : '_'));
            return notCounter || safe.EndsWith("_total", StringComparison.Ordinal) ? safe : safe + "_total";
        }

        private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string Number(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed class Series(int buckets)
    {
        public double Sum { get; set; }

        public long Count { get; set; }

        public long[] Buckets { get; } = new long[buckets];
    }
}
