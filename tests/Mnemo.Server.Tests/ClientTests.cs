using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Mnemo.Client;
using Mnemo.Messages;

namespace Mnemo.Server.Tests;

public sealed class ClientTests
{
    /// <summary>A loopback server that answers 503 to the first <paramref name="failures"/> calls of each path.</summary>
    private static async Task<(WebApplication App, Uri Address, Dictionary<string, int> Calls)> FlakyServerAsync(int failures)
    {
        var calls = new Dictionary<string, int>(StringComparer.Ordinal);
        var app = await LoopbackApp.StartAsync(routes => routes.Run(async context =>
        {
            int count;
            lock (calls)
            {
                count = calls[context.Request.Path] = calls.GetValueOrDefault(context.Request.Path) + 1;
            }
            if (count <= failures)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            context.Response.StatusCode = context.Request.Method == "POST" ? StatusCodes.Status201Created : StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(context.Request.Method == "POST" ? """{"messages":[],"next_cursor":null}""" : """{"status":"ok"}""");
        }));
        return (app, new Uri(LoopbackApp.AddressOf(app)), calls);
    }

    [Fact]
    public async Task Idempotent_calls_are_retried_and_unkeyed_appends_are_not()
    {
        var (app, address, calls) = await FlakyServerAsync(failures: 2);
        await using (app)
        {
            using var http = new HttpClient { BaseAddress = address };
            var client = new MnemoClient(http, "key");

            Assert.Equal("ok", (await client.GetHealthAsync()).Status);
            await client.Messages.AppendAsync("u", new AppendMessagesRequest { Role = "user", Content = "x" }, idempotencyKey: "k1");
            var unkeyed = await Assert.ThrowsAsync<MnemoApiException>(() =>
                new MnemoClient(http, "key").Messages.AppendAsync("other", new AppendMessagesRequest { Role = "user", Content = "x" }));

            Assert.Equal(3, calls["/health"]);
            Assert.Equal(3, calls["/api/v1/users/u/messages"]);
            Assert.Equal(1, calls["/api/v1/users/other/messages"]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unkeyed.StatusCode);
        }
    }

    [Fact]
    public async Task AddMnemoClient_registers_a_working_client()
    {
        await using var server = await MnemoTestServer.StartAsync(await TestStores.CreateEmptyAsync(Backend.Sqlite));
        var services = new ServiceCollection();
        services.AddMnemoClient(options =>
        {
            options.BaseAddress = server.Address;
            options.ApiKey = MnemoTestServer.AdminKey;
        });
        await using var provider = services.BuildServiceProvider();

        var me = await provider.GetRequiredService<MnemoClient>().GetMeAsync();

        Assert.True(me.Platform);
    }
}
