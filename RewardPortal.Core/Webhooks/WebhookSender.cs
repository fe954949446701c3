using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using RewardPortal.Core.Deliveries;

namespace RewardPortal.Core.Webhooks;

/// <summary>One message to one webhook: the body and the secrets that sign it.</summary>
public sealed record WebhookRequest(string Url, string MessageId, byte[] Body, IReadOnlyList<string> Secrets);

/// <summary>
/// Sends one signed attempt and reports what happened. It never retries by itself (the engine owns the one retry layer),
/// never follows a redirect, and reads at most the first 4 KB of any answer. A URL refused for where it points (or for
/// credentials in it) fails for good at once: no retry can change that.
/// </summary>
public sealed class WebhookSender(HttpClient http, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const int ExcerptBytes = 4096;
    public const string UserAgent = "RewardPortal-Webhooks/1.0";

    public async Task<AttemptResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var timeout = options.Value.Timeout;
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.UserInfo.Length > 0)
            return AttemptResult.NotSent(
                startedAt.UtcDateTime, "Refused: " + (WebhookAddressGuard.CheckSyntax(request.Url) ?? "The URL is not valid."), permanent: true);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var timestamp = startedAt.ToUnixTimeSeconds();
        message.Headers.TryAddWithoutValidation("webhook-id", request.MessageId);
        message.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
        message.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Header(request.Secrets, request.MessageId, timestamp, request.Body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        int Elapsed() => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ReadExcerptAsync(response, deadline.Token);
            var code = (int)response.StatusCode;
            var succeeded = code is >= 200 and < 300;
            return new AttemptResult(startedAt.UtcDateTime, Elapsed(), succeeded, code, excerpt, succeeded ? null : Describe(response))
            {
                RetryAfter = succeeded ? null : RetryAfter(response.Headers.RetryAfter, startedAt),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(
                startedAt.UtcDateTime, Elapsed(), false, null, null, $"No answer within {timeout.TotalSeconds:0.###} s (Webhooks:Timeout).");
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            // Retrying cannot move the address out of a refused range: fail at once, with the reason.
            return new AttemptResult(startedAt.UtcDateTime, Elapsed(), false, null, null, "Refused: " + refused.Message) { Permanent = true };
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(startedAt.UtcDateTime, Elapsed(), false, null, null, Describe(e));
        }
    }

    /// <summary>
    /// Reads at most <see cref="ExcerptBytes"/>: a huge or endless answer must not hold the attempt or the memory. The
    /// buffer is pooled: at thousands of attempts a second, a fresh 4 KB each would keep the garbage collector busy.
    /// </summary>
    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ExcerptBytes);
        try
        {
            var length = 0;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                int read;
                while (length < ExcerptBytes && (read = await stream.ReadAsync(buffer.AsMemory(length, ExcerptBytes - length), cancellationToken)) > 0)
                    length += read;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
                // The status already arrived in time; a body cut short is only a shorter excerpt.
            }
            return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Describe(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var text = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
        return code is >= 300 and < 400
            ? $"{text}: redirects are not followed; point the webhook at the final URL ({response.Headers.Location})."
            : text;
    }

    private static WebhookAddressRefusedException? Refusal(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is WebhookAddressRefusedException refused)
                return refused;
        return null;
    }

    private static string Describe(HttpRequestException e) =>
        e.InnerException is { } cause && !e.Message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{e.Message} ({cause.Message})"
            : e.Message;

    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        return wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
