using Mnemo.Messages;
using Mnemo.Storage.Messages;
using Mnemo.Testing;

namespace Mnemo.Tests.Messages;

/// <summary>
/// Issue 18: the group-committed append under load through PgBouncer in transaction pooling —
/// many writers at once, some on the same user (their batches take the same advisory lock), with
/// retries of the same idempotency keys: every message stored once, none lost, nothing refused.
/// </summary>
public sealed class PgBouncerAppendLoadTests(PgBouncerStoreFixture fixture) : IClassFixture<PgBouncerStoreFixture>
{
    private const int Writers = 32, AppendsEach = 20;

    private readonly MessageStore _messages = new(fixture.Database, TimeProvider.System);

    [Fact]
    public async Task Concurrent_appends_and_their_retries_are_each_stored_once()
    {
        var tenant = await TestTenants.CreateAsync(fixture.Database);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var user = $"u{writer % 8}"; // four writers a user
            for (var i = 0; i < AppendsEach; i++)
            {
                NewMessage[] turn =
                [
                    new() { Role = "user", Content = $"writer {writer} turn {i}", IdempotencyKey = $"{writer}-{i}-q", Tags = [] },
                    new() { Role = "assistant", Content = $"answer {writer}.{i}", IdempotencyKey = $"{writer}-{i}-a", Tags = [] },
                ];
                var first = await _messages.AppendAsync(tenant, user, turn, CancellationToken.None);
                var retry = await _messages.AppendAsync(tenant, user, turn, CancellationToken.None);
                Assert.Equal(first.Messages.Select(message => message.Id), retry.Messages.Select(message => message.Id));
            }
        })));

        var stored = 0;
        for (var user = 0; user < 8; user++)
        {
            var history = await _messages.ListAsync(tenant, $"u{user}", new MessageQuery { Limit = 1000 }, CancellationToken.None);
            Assert.Equal(Writers / 8 * AppendsEach * 2, history!.Messages.Count);
            stored += history.Messages.Count;
        }
        Assert.Equal(Writers * AppendsEach * 2, stored);
    }
}
