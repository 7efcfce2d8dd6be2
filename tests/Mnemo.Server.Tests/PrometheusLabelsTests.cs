using Mnemo.Server.Observability;

namespace Mnemo.Server.Tests;

public sealed class PrometheusLabelsTests
{
    [Fact]
    public void Labels_are_sorted_by_name_with_numbers_invariant_and_text_escaped()
    {
        KeyValuePair<string, object?>[] tags = [new("route", "a\"b\\c\nd"), new("status", 404), new("method", "GET"), new("ratio", 0.5)];

        var text = PrometheusLabels.Write(tags).ToString();

        Assert.Equal("method=\"GET\",ratio=\"0.5\",route=\"a\\\"b\\\\c\\nd\",status=\"404\"", text);
    }

    [Fact]
    public void Long_values_grow_the_buffer_and_no_tags_write_nothing()
    {
        var longValue = new string('x', 5000);

        Assert.Equal($"k=\"{longValue}\"", PrometheusLabels.Write([new("k", longValue)]).ToString());
        Assert.Equal(string.Empty, PrometheusLabels.Write([]).ToString());
    }
}
