namespace Confab.Server.Storage;

/// <summary>How one session's statements run (<see cref="DbSession"/> delegates to it).</summary>
internal interface ISqlRunner
{
    Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args);

    /// <summary>The only row, default when there is none; more than one is an error.</summary>
    Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args);

    /// <summary>The first column of the first row, default when there is none or it is null.</summary>
    Task<T> ScalarAsync<T>(string sql, object? args);

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    Task<int> ExecuteAsync(string sql, object? args);
}
