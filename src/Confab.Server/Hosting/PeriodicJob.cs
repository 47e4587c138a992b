namespace Confab.Server.Hosting;

/// <summary>A background job run at start-up and then every <c>interval</c> of the server's clock; a failed run is logged and tried again next time.</summary>
public abstract partial class PeriodicJob(TimeSpan interval, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The server's clock, for the job's own notion of now.</summary>
    protected TimeProvider Clock { get; } = clock;

    protected abstract Task RunOnceAsync();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Clock);
        do
        {
            try
            {
                await RunOnceAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogRunFailed(logger, error, GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed; it will run again")]
    private static partial void LogRunFailed(ILogger logger, Exception error, string job);
}
