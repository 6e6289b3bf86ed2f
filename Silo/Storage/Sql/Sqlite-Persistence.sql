-- OrleansOrchestrator: Orleans ADO.NET grain persistence for SQLite (Orleans 10.4.2,
-- invariant "System.Data.SQLite", driver Microsoft.Data.Sqlite). Requires Sqlite-Main.sql first.
-- Idempotent: safe to run at every silo start-up (one ExecuteNonQuery).
--
-- Table shape and parameter/column names follow upstream dotnet/orleans
-- src/AdoNet/Orleans.Persistence.AdoNet/Sqlite-Persistence.sql, because AdoNetGrainStorage binds
-- @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
-- @ServiceId, @GrainStateVersion, @PayloadBinary and reads PayloadBinary, Version (by name) and
-- the first column of the write/clear/delete result. The query texts are our own:
--   * write: two mutually exclusive single-statement writes with RETURNING (SQLite >= 3.35) instead
--     of upstream's BEGIN/temp-table/COMMIT batch; each statement is atomic on its own, so a failed
--     command never leaves a transaction open on a pooled connection;
--   * DeleteStorageKey added (upstream SQLite has none) so DeleteStateOnClear = true works.
-- Version-conflict contract (AdoNetGrainStorage.CheckVersionInconsistency): the write returns the
-- new version, or no row on conflict; clear/delete return a value different from the grain's ETag,
-- or no row on conflict.
--
-- What Orleans 10.4.2 stores (string-keyed grain, e.g. key "t1/pods/default/web-1"):
--   GrainTypeString        = the STATE NAME ([PersistentState("name")], or "state" for Grain<T>),
--                            not the grain type;
--   GrainIdExtensionString = the full string key; GrainIdN0 = GrainIdN1 = 0;
--   PayloadBinary          = UTF-8 JSON from the configured IGrainStorageSerializer
--                            (default: Newtonsoft-based JsonGrainStorageSerializer);
--   PayloadBinary IS NULL  = state cleared (DeleteStateOnClear = false keeps the row).

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash             INT NOT NULL,
    GrainIdN0               BIGINT NOT NULL,
    GrainIdN1               BIGINT NOT NULL,
    GrainTypeHash           INT NOT NULL,
    GrainTypeString         NVARCHAR(512) NOT NULL,
    GrainIdExtensionString  NVARCHAR(512) NULL,
    ServiceId               NVARCHAR(150) NOT NULL,
    PayloadBinary           BLOB NULL,
    ModifiedOn              DATETIME NOT NULL,
    Version                 INT NULL
);

-- Point look-ups by Orleans (hash pair, as upstream).
CREATE INDEX IF NOT EXISTS IX_OrleansStorage ON OrleansStorage(GrainIdHash, GrainTypeHash);

-- Ours: all stored states of one state name whose string key starts with a prefix, e.g.
--   SELECT GrainIdExtensionString, PayloadBinary, Version FROM OrleansStorage
--   WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName
--     AND GrainIdExtensionString GLOB @Pattern   -- bind prefix + "*" as ONE parameter
--     AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND PayloadBinary IS NOT NULL;
-- SQLite's LIKE is case-insensitive, so LIKE 'x%' cannot range-scan this (BINARY) index column,
-- and neither can GLOB @Prefix || '*' (an expression); GLOB @Pattern and
-- ">= @Prefix AND < @PrefixUpperBound" can (checked with EXPLAIN QUERY PLAN).
-- Escape * ? [ in the prefix when using GLOB.
CREATE INDEX IF NOT EXISTS IX_OrleansStorage_Type_Key ON OrleansStorage(GrainTypeString, GrainIdExtensionString);

-- Write: update on matching version, or insert when the grain has never written (no ETag).
-- Exactly one of the two statements can affect a row; a conflict yields no row.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    UPDATE OrleansStorage
    SET
        PayloadBinary = @PayloadBinary,
        ModifiedOn = datetime(''now''),
        Version = Version + 1
    WHERE
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND (GrainIdExtensionString = @GrainIdExtensionString OR (GrainIdExtensionString IS NULL AND @GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId
        AND @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;

    INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, datetime(''now''), 1
    WHERE @GrainStateVersion IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM OrleansStorage
        WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND (GrainIdExtensionString = @GrainIdExtensionString OR (GrainIdExtensionString IS NULL AND @GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId)
    RETURNING Version AS NewGrainStateVersion;
');

-- Read: payload (NULL after a clear) and current version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
    SELECT
        PayloadBinary,
        Version AS Version
    FROM
        OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND (GrainIdExtensionString = @GrainIdExtensionString OR (GrainIdExtensionString IS NULL AND @GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId
    LIMIT 1;
');

-- Clear (DeleteStateOnClear = false, the default): keep the row, NULL the payload, bump the version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
('ClearStorageKey', '
    UPDATE OrleansStorage
    SET
        PayloadBinary = NULL,
        ModifiedOn = datetime(''now''),
        Version = Version + 1
    WHERE
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND (GrainIdExtensionString = @GrainIdExtensionString OR (GrainIdExtensionString IS NULL AND @GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId
        AND @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
    RETURNING Version AS NewGrainStateVersion;
');

-- Delete (DeleteStateOnClear = true): remove the row; return deleted version + 1 (as upstream PostgreSQL).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
('DeleteStorageKey', '
    DELETE FROM OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
        AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND (GrainIdExtensionString = @GrainIdExtensionString OR (GrainIdExtensionString IS NULL AND @GrainIdExtensionString IS NULL))
        AND ServiceId = @ServiceId
        AND @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
    RETURNING Version + 1 AS NewGrainStateVersion;
');
