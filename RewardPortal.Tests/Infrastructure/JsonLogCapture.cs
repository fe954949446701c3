using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RewardPortal.Tests.Infrastructure;

/// <summary>
/// The lines the JSON console log would print, written by the app's own console formatter (with its options and
/// scopes), but kept in memory: the console logger writes on a thread of its own and to a shared console.
/// </summary>
public sealed class JsonLogCapture(ConsoleFormatter formatter) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ConsoleFormatter json = formatter;
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(JsonLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        // The app's Logging:LogLevel settings filter before this.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            using var line = new StringWriter();
            owner.json.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner.scopes, line);
            owner.lines.Enqueue(line.ToString());
        }
    }
}
