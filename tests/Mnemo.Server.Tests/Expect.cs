using System.Net;
using Mnemo.Client;

namespace Mnemo.Server.Tests;

/// <summary>Asserts that a client call fails with a given status and problem code.</summary>
public static class Expect
{
    public static async Task<MnemoApiException> ProblemAsync(HttpStatusCode status, string code, Func<Task> call)
    {
        var failure = await Assert.ThrowsAsync<MnemoApiException>(call);
        Assert.True(status == failure.StatusCode, $"expected {(int)status} {code}, got {(int)failure.StatusCode} {failure.Code}: {failure.Problem?.Detail}");
        Assert.Equal(code, failure.Code);
        return failure;
    }
}
