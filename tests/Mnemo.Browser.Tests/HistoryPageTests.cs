using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mnemo.Conversations;
using Mnemo.Messages;

namespace Mnemo.Browser.Tests;

public sealed class HistoryPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private MnemoTestServer Server => fixture.Server;

    private async Task<(Client.MnemoClient Backend, string Tenant)> TenantAsync()
    {
        var (tenant, backend) = await Server.NewTenantAsync();
        return (backend, tenant);
    }

    private async Task<IPage> OpenAsync(string path, string accessToken)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Server.Address, path) + "#access_token=" + Uri.EscapeDataString(accessToken));
        return page;
    }

    [Fact]
    public async Task Sign_in_see_the_list_open_a_conversation_page_and_sign_out()
    {
        var (backend, _) = await TenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "alice", Email = "alice@example.com" });
        Guid first = Guid.Empty;
        for (var i = 0; i < 12; i++)
        {
            var conversation = await backend.Conversations.CreateAsync("alice", new CreateConversationRequest
            {
                WorkflowName = $"flow-{i:00}", StartedAt = DateTimeOffset.UtcNow.AddMinutes(-60 + i),
            });
            await backend.Messages.AppendAsync("alice", new AppendMessagesRequest
            {
                Messages = [new MessageInput { Role = "user", Content = $"question {i}", ConversationId = conversation.Id },
                            new MessageInput { Role = "assistant", Content = $"answer {i}", ConversationId = conversation.Id }],
            });
            first = conversation.Id;
        }
        var tokens = await backend.Auth.LoginAsync("alice");
        var page = await OpenAsync("ui/", tokens.AccessToken);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Conversations" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#conversation-list > li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.Locator("#conversation-list > li").First).ToContainTextAsync("flow-11");
        await Assertions.Expect(page.Locator("#profile-total")).ToHaveTextAsync("12");
        await Assertions.Expect(page.Locator("#page-label")).ToHaveTextAsync("Page 1 of 2");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-list.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-list > li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Previous page" }).ClickAsync();
        // The first page again, before its first conversation is opened (not page 2's, still shown for a moment).
        await Assertions.Expect(page.Locator("#conversation-list > li").First).ToContainTextAsync("flow-11");
        await page.Locator("#conversation-list > li").First.GetByRole(AriaRole.Button).ClickAsync();

        await Assertions.Expect(page.Locator("#message-list > li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#message-list")).ToContainTextAsync("question 11");
        await Assertions.Expect(page.Locator("#message-list")).ToContainTextAsync("assistant");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-conversation.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Access token")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-signed-out.png"), FullPage = true });
        await Assert.ThrowsAsync<Client.MnemoApiException>(() => Server.As(tokens.AccessToken).GetMeAsync());
        Assert.NotEqual(Guid.Empty, first);
    }

    [Fact]
    public async Task A_second_user_cannot_see_the_first_users_history_by_editing_the_url()
    {
        var (backend, _) = await TenantAsync();
        foreach (var user in new[] { "alice", "bob" })
        {
            await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = user });
            await backend.Conversations.CreateAsync(user, new CreateConversationRequest { WorkflowName = $"{user}-private-flow" });
        }
        var bob = await backend.Auth.LoginAsync("bob");

        var page = await OpenAsync("ui/history/alice", bob.AccessToken);

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("You can only see your own conversation history.");
        await Assertions.Expect(page.Locator("#conversations")).ToBeHiddenAsync();
        Assert.DoesNotContain("alice-private-flow", await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-other-user.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "View conversation history" }).ClickAsync();
        await Assertions.Expect(page.Locator("#conversation-list")).ToContainTextAsync("bob-private-flow");
    }

    [Fact]
    public async Task A_message_with_markup_shows_as_text()
    {
        var (backend, _) = await TenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "carol" });
        var conversation = await backend.Conversations.CreateAsync("carol", new CreateConversationRequest { WorkflowName = "support" });
        const string hostile = "<script>window.__pwned = true</script><b>bold?</b> <img src=x onerror=\"window.__pwned = true\">";
        await backend.Messages.AppendAsync("carol", new AppendMessagesRequest { Role = "user", Content = hostile, ConversationId = conversation.Id });
        var tokens = await backend.Auth.LoginAsync("carol");

        var page = await OpenAsync("ui/", tokens.AccessToken);
        await page.Locator("#conversation-list > li").First.GetByRole(AriaRole.Button).ClickAsync();

        await Assertions.Expect(page.Locator(".message-content")).ToHaveTextAsync(hostile);
        await Assertions.Expect(page.Locator("#message-list b")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#message-list img")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-markup-as-text.png"), FullPage = true });
    }

    [Fact]
    public async Task The_page_stays_signed_in_past_the_access_tokens_expiry_and_is_signed_out_when_the_session_is_revoked()
    {
        var clock = new ManualClock();
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite),
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var (_, backend) = await server.NewTenantAsync();
        await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = "dana" });
        await backend.Conversations.CreateAsync("dana", new CreateConversationRequest { WorkflowName = "dana-flow" });
        var tokens = await backend.Auth.LoginAsync("dana");
        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{new Uri(server.Address, "ui/")}#access_token={Uri.EscapeDataString(tokens.AccessToken)}&refresh_token={Uri.EscapeDataString(tokens.RefreshToken)}");
        await Assertions.Expect(page.Locator("#conversation-list")).ToContainTextAsync("dana-flow");

        // Past the access token's 15 minutes: the page rotates the session and carries on.
        clock.Advance(TimeSpan.FromMinutes(16));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#conversation-list")).ToContainTextAsync("dana-flow");
        var rotated = await page.EvaluateAsync<string>("() => sessionStorage.getItem('mnemo.refresh')");
        Assert.NotEqual(tokens.RefreshToken, rotated);
        await Assert.ThrowsAsync<Client.MnemoApiException>(() => server.As(tokens.AccessToken).GetMeAsync());

        // The session revoked elsewhere: the next refresh fails and the page signs out.
        await server.As(null).Auth.LogoutAsync(rotated);
        clock.Advance(TimeSpan.FromMinutes(16));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Your session has ended. Sign in again.");
        await Assertions.Expect(page.GetByLabel("Access token")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('mnemo.refresh')"));
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-session-ended.png"), FullPage = true });
    }

    [Fact]
    public async Task Search_finds_the_users_own_messages_marks_the_words_and_opens_the_conversation_of_a_hit()
    {
        var (backend, _) = await TenantAsync();
        foreach (var user in new[] { "alice", "bob" })
        {
            await backend.Users.CreateAsync(new Mnemo.Users.CreateUserRequest { Id = user });
        }
        var trip = await backend.Conversations.CreateAsync("alice", new CreateConversationRequest { WorkflowName = "trip" });
        var dinner = await backend.Conversations.CreateAsync("alice", new CreateConversationRequest { WorkflowName = "dinner" });
        await backend.Messages.AppendAsync("alice", new AppendMessagesRequest
        {
            Messages =
            [
                new MessageInput { Role = "user", Content = "We booked the hotel in Lisbon for May", ConversationId = trip.Id },
                new MessageInput { Role = "assistant", Content = "Enjoy Portugal!", ConversationId = trip.Id },
                new MessageInput { Role = "user", Content = "A pasta recipe <b>please</b>", ConversationId = dinner.Id },
            ],
        });
        await backend.Messages.AppendAsync("bob", new AppendMessagesRequest { Role = "user", Content = "Bob's secret Lisbon hotel" });
        var page = await OpenAsync("ui/", (await backend.Auth.LoginAsync("alice")).AccessToken);

        await page.GetByLabel("Question or words").FillAsync("Which hotel in Lisbon?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        var hit = page.Locator("#search-results > li");
        await Assertions.Expect(hit).ToHaveCountAsync(1);
        await Assertions.Expect(hit.First.Locator("mark").First).ToHaveTextAsync("hotel");
        await Assertions.Expect(page.Locator("#search-results")).Not.ToContainTextAsync("Bob");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("history-search.png"), FullPage = true });
        await hit.First.GetByRole(AriaRole.Button, new() { Name = "Open conversation" }).ClickAsync();
        await Assertions.Expect(page.Locator("#message-list > li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#message-list")).ToContainTextAsync("Enjoy Portugal!");

        // Markup in a message is shown as text, never run.
        await page.GetByLabel("Question or words").FillAsync("pasta");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#search-results > li")).ToContainTextAsync("<b>please</b>");
        await Assertions.Expect(page.Locator("#search-results b")).ToHaveCountAsync(0);
    }
}
