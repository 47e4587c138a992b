using System.Data.Common;
using System.Globalization;
using SQLitePCL;

namespace Confab.Server.Storage;

/// <summary>A compiled statement's current row (see <see cref="PreparedStatement"/>), as the reader Dapper's row parsers read from; nothing else of a reader works.</summary>
internal sealed class StatementRow(sqlite3_stmt statement) : DbDataReader
{
    public override int FieldCount => raw.sqlite3_column_count(statement);

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override string GetName(int ordinal) => raw.sqlite3_column_name(statement, ordinal).utf8_to_string();

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < FieldCount; i++)
        {
            if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        throw new ArgumentOutOfRangeException(nameof(name), name, "The statement has no such column.");
    }

    /// <summary>The type of this row's value, or for a null the one the column's declared type suggests, as Microsoft.Data.Sqlite says.</summary>
    public override Type GetFieldType(int ordinal) => raw.sqlite3_column_type(statement, ordinal) switch
    {
        raw.SQLITE_INTEGER => typeof(long),
        raw.SQLITE_FLOAT => typeof(double),
        raw.SQLITE_TEXT => typeof(string),
        raw.SQLITE_BLOB => typeof(byte[]),
        _ => DeclaredType(raw.sqlite3_column_decltype(statement, ordinal).utf8_to_string()),
    };

    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    public override object GetValue(int ordinal) => raw.sqlite3_column_type(statement, ordinal) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, ordinal),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, ordinal),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, ordinal).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, ordinal).ToArray(),
        _ => DBNull.Value,
    };

    public override int GetValues(object[] values)
    {
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++) values[i] = GetValue(i);
        return count;
    }

    public override bool IsDBNull(int ordinal) => raw.sqlite3_column_type(statement, ordinal) == raw.SQLITE_NULL;

    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    public override byte GetByte(int ordinal) => (byte)GetInt64(ordinal);

    public override char GetChar(int ordinal) => GetString(ordinal)[0];

    public override short GetInt16(int ordinal) => (short)GetInt64(ordinal);

    public override int GetInt32(int ordinal) => (int)GetInt64(ordinal);

    public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(statement, ordinal);

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override double GetDouble(int ordinal) => raw.sqlite3_column_double(statement, ordinal);

    public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override string GetString(int ordinal) => raw.sqlite3_column_text(statement, ordinal).utf8_to_string();

    public override DateTime GetDateTime(int ordinal) => throw new NotSupportedException("Times are stored as Unix milliseconds.");

    public override Guid GetGuid(int ordinal) => throw new NotSupportedException("IDs are stored as text.");

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("Read blobs whole.");

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("Read text whole.");

    public override int Depth => 0;

    public override bool HasRows => true;

    public override bool IsClosed => false;

    public override int RecordsAffected => -1;

    public override bool NextResult() => throw new NotSupportedException("The statement steps the rows.");

    public override bool Read() => throw new NotSupportedException("The statement steps the rows.");

    public override System.Collections.IEnumerator GetEnumerator() => throw new NotSupportedException("The statement steps the rows.");

    /// <summary>SQLite's affinity rules for a declared type (section 3.1 of its datatype documentation).</summary>
    private static Type DeclaredType(string? declared)
    {
        var type = declared?.ToUpperInvariant() ?? "";
        if (type.Contains("INT", StringComparison.Ordinal)) return typeof(long);
        if (type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal)) return typeof(string);
        if (type.Length == 0 || type.Contains("BLOB", StringComparison.Ordinal)) return typeof(byte[]);
        if (type.Contains("REAL", StringComparison.Ordinal) || type.Contains("FLOA", StringComparison.Ordinal) || type.Contains("DOUB", StringComparison.Ordinal)) return typeof(double);
        return typeof(string);
    }
}
