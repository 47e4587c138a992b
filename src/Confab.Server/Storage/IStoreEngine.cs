using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>What differs between database engines beneath <see cref="Database"/>.</summary>
public interface IStoreEngine
{
    /// <summary>Names the folder of numbered migrations, <c>Migrations/{Name}/</c>.</summary>
    string Name { get; }

    DbConnection CreateConnection();

    /// <summary>A read-only transaction, so that every statement of one read sees the same snapshot.</summary>
    DbTransaction BeginRead(DbConnection connection);

    /// <summary>Serialises write transactions where the engine needs it to keep event positions in commit order.</summary>
    Task<IDisposable> EnterWriteAsync();
}
