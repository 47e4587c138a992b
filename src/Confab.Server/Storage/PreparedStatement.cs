using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Confab.Server.Storage;

/// <summary>
/// One SQL statement compiled once on one open SQLite connection and run again with new values, straight through
/// SQLite's own calls: SQLite parses and plans it only the first time, binding and reading allocate nothing of
/// their own, and its rows are read by a row parser built once per result type. (Through Microsoft.Data.Sqlite's
/// commands, every run allocated a reader, a record, a binder per value and more: a fifth of the server's
/// allocations in bench chatmix.) A run ends with <see cref="Reset"/>, which leaves the statement ready for the
/// next and lets the transaction commit.
/// </summary>
internal sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 connection;
    private readonly sqlite3_stmt statement;
    private readonly string[] names;
    private readonly int[] indexes;
    private readonly Dictionary<(Type Type, int Start, int Length), Func<DbDataReader, object>> parsers = [];
    private (Type[] Types, string SplitOn, int[] Starts)? split;
    private readonly StatementRow row;
    private Type? argumentType;
    private Func<object, object>[] readers = [];

    private PreparedStatement(sqlite3 connection, sqlite3_stmt statement, string sql)
    {
        this.connection = connection;
        this.statement = statement;
        names = [.. SqlArguments.NamesIn(sql)];
        indexes = names.Select(name => raw.sqlite3_bind_parameter_index(statement, "@" + name)).ToArray();
        row = new StatementRow(statement);
    }

    /// <summary>The text compiled on <paramref name="connection"/>, or null unless it holds exactly one statement (a migration holds several).</summary>
    public static PreparedStatement? Compile(SqliteConnection connection, string sql)
    {
        var handle = connection.Handle!;
        var result = raw.sqlite3_prepare_v2(handle, sql, out var statement, out var tail);
        if (result != raw.SQLITE_OK) throw Failure(handle, result);
        // A text of no statement (blank, or comments only) compiles to no handle; Dapper runs it as the nothing it is.
        if (!statement.IsInvalid && string.IsNullOrWhiteSpace(tail)) return new PreparedStatement(handle, statement, sql);
        statement.Dispose();
        return null;
    }

    /// <summary>Binds these values; how to read them from <paramref name="args"/> is worked out once per argument type.</summary>
    public void Bind(object? args)
    {
        if (names.Length == 0) return;
        if (args is null) throw SqlArguments.Missing(names[0]);
        if (args.GetType() != argumentType)
        {
            readers = SqlArguments.ReadersFor(args.GetType(), names);
            argumentType = args.GetType();
        }
        // A name SQLite does not see as a parameter (one inside a quoted identifier) has index 0 and is left out, as Microsoft.Data.Sqlite does.
        for (var i = 0; i < names.Length; i++)
        {
            if (indexes[i] > 0) Check(BindOne(indexes[i], readers[i](args)));
        }
    }

    /// <summary>Runs the statement to its next row: true if there is one, false once it is done.</summary>
    public bool Step() =>
        raw.sqlite3_step(statement) switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            var failed => throw Failure(connection, failed),
        };

    /// <summary>The first column of the current row, as SQLite stored it.</summary>
    public object FirstValue => row.GetValue(0);

    /// <summary>Rows changed by the run just done; -1 for a statement that changes nothing (a query), as ADO.NET counts.</summary>
    public int Changes => raw.sqlite3_stmt_readonly(statement) != 0 ? -1 : raw.sqlite3_changes(connection);

    /// <summary>Ends the run: the statement is ready to run again, and no longer holds the transaction open.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
    }

    /// <summary>The current row as a <typeparamref name="T"/>: one column converted, or the columns mapped onto a row object.</summary>
    public T Read<T>() => SqlValues.IsSingleColumn(typeof(T)) ? SqlValues.As<T>(row.GetValue(0)) : (T)Parse(typeof(T), 0, -1)!;

    /// <summary>
    /// The current row as one object per type, split as <see cref="RowSplit"/> says; an object after the first is null
    /// where its first column is. Where the columns split is worked out once per statement.
    /// </summary>
    public object?[] ReadEach(Type[] types, string splitOn)
    {
        if (split is not { } known || known.SplitOn != splitOn || !known.Types.AsSpan().SequenceEqual(types))
            split = known = (types, splitOn, RowSplit.Starts(row, types.Length, splitOn));
        var objects = new object?[types.Length];
        for (var i = 0; i < types.Length; i++) objects[i] = Parse(types[i], known.Starts[i], RowSplit.Length(row, known.Starts, i));
        return objects;
    }

    /// <summary>
    /// The columns from <paramref name="start"/> (<paramref name="length"/> of them, -1 for the rest) mapped onto a
    /// <paramref name="type"/>; null when the first is null and the object is not the row's first. The mapping is built
    /// once per type and columns; should a column's storage class differ from the one it was built for (SQLite types
    /// values, not columns), it is built again from this row.
    /// </summary>
    private object? Parse(Type type, int start, int length)
    {
        if (parsers.TryGetValue((type, start, length), out var known))
        {
            try
            {
                return known(row);
            }
            catch (Exception mismatch) when (mismatch is InvalidCastException or System.Data.DataException)
            {
                parsers.Remove((type, start, length));
            }
        }
        var parser = row.GetRowParser(type, startIndex: start, length: length, returnNullIfFirstMissing: start > 0);
        parsers[(type, start, length)] = parser;
        return parser(row);
    }

    public void Dispose() => statement.Dispose();

    private int BindOne(int index, object value) => value switch
    {
        DBNull => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        char letter => raw.sqlite3_bind_text(statement, index, letter.ToString()),
        long or int or short or sbyte or byte or ushort or uint or ulong => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        double or float when double.IsNaN(Convert.ToDouble(value, CultureInfo.InvariantCulture)) =>
            throw new ArgumentException("SQLite would store NaN as null.", nameof(value)),
        double or float => raw.sqlite3_bind_double(statement, index, Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"No SQLite value for a {value.GetType().Name}; bind numbers, text, bytes or null."),
    };

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK) throw Failure(connection, result);
    }

    /// <summary>The error as Microsoft.Data.Sqlite reports it, so that callers see one kind of failure from either path.</summary>
    private static SqliteException Failure(sqlite3 connection, int result) =>
        new($"SQLite Error {result}: '{raw.sqlite3_errmsg(connection).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(connection));
}
