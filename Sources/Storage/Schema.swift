/// The store's SQL schema: a public contract (README.md documents it), versioned by
/// `PRAGMA user_version`. `migrations[i]` moves a file from version i to i + 1.
public enum Schema {
    public static let migrations: [String] = [
        """
        CREATE TABLE runs(
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,            -- ISO-8601 UTC
            kind TEXT NOT NULL,                  -- predict | backtest
            status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
            dataset TEXT NOT NULL,
            target TEXT NOT NULL,
            config_json TEXT NOT NULL,           -- JSON: json_extract works on it
            tool_version TEXT NOT NULL
        );
        CREATE TABLE forecasts(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            series TEXT NOT NULL,
            origin INTEGER NOT NULL,             -- 1-based origin number (1 for a plain forecast)
            origin_time TEXT,                    -- ISO-8601 of the last observation used
            step INTEGER NOT NULL,               -- h = 1..H
            target_time TEXT,                    -- ISO-8601 of the forecast step
            forecast REAL NOT NULL,
            lower REAL,
            upper REAL,
            actual REAL,
            PRIMARY KEY (run_id, model, series, origin, step)
        );
        CREATE TABLE metrics(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            series TEXT NOT NULL,
            step INTEGER,                        -- NULL for the overall figure
            metric TEXT NOT NULL,                -- mae, rmse, mape, smape, mase, bias, ...
            value REAL,
            n INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX metrics_key ON metrics(run_id, model, series, ifnull(step, 0), metric);
        """,
        // Version 2: backtests recorded origin by origin (resumable), and quantile forecasts.
        """
        CREATE TABLE origins(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            series TEXT NOT NULL,
            origin INTEGER NOT NULL,             -- 1-based origin number
            train_start INTEGER NOT NULL,        -- first training row (0-based; > 0 for a sliding window)
            train_length INTEGER NOT NULL,       -- rows before the origin (T_k)
            origin_time TEXT,                    -- ISO-8601 of the last training row
            completed_at TEXT NOT NULL,          -- ISO-8601 UTC
            PRIMARY KEY (run_id, series, origin)
        );
        CREATE TABLE quantiles(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            series TEXT NOT NULL,
            origin INTEGER NOT NULL,
            step INTEGER NOT NULL,
            level REAL NOT NULL,                 -- e.g. 0.1 for the 10% quantile
            value REAL,
            PRIMARY KEY (run_id, model, series, origin, step, level)
        );
        """,
        // Version 3: aggregate metrics of a panel backtest, over its series, with `series`
        // NULL (SQLite cannot drop a NOT NULL: the table is copied).
        """
        CREATE TABLE metrics_v3(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            series TEXT,                         -- NULL for the aggregate over a panel's series
            step INTEGER,                        -- NULL for the overall figure
            metric TEXT NOT NULL,                -- mae, rmse, mape, smape, mase, bias, ..., series (the count)
            value REAL,
            n INTEGER NOT NULL
        );
        INSERT INTO metrics_v3(rowid, run_id, model, series, step, metric, value, n)
            SELECT rowid, run_id, model, series, step, metric, value, n FROM metrics;
        DROP TABLE metrics;
        ALTER TABLE metrics_v3 RENAME TO metrics;
        CREATE UNIQUE INDEX metrics_key ON metrics(run_id, model, ifnull(series, char(0)), ifnull(step, 0), metric);
        """,
        // Version 4: sharded runs. Every run has a UUID; the shards of one run share it, so
        // their stores can be merged into one (`shards` lists the shards a store holds).
        // Earlier runs get a random UUID (version 4 form).
        """
        ALTER TABLE runs ADD COLUMN uuid TEXT;               -- shared by the shards of one run
        ALTER TABLE runs ADD COLUMN shard INTEGER;           -- the shard this store's process ran (0-based); NULL: whole or merged
        ALTER TABLE runs ADD COLUMN shard_count INTEGER;     -- N of a sharded run (1 is a run of one shard); NULL: not sharded
        UPDATE runs SET uuid = \(randomUUID);
        CREATE UNIQUE INDEX runs_uuid ON runs(uuid);
        CREATE TABLE shards(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            shard INTEGER NOT NULL,              -- 0-based shard index, < runs.shard_count
            origins INTEGER NOT NULL,            -- (series, origin) pairs the shard recorded
            completed_at TEXT NOT NULL,          -- ISO-8601 UTC, when the shard finished
            source TEXT,                         -- the store it was merged from; NULL where it ran
            PRIMARY KEY (run_id, shard)
        );
        """,
        // Version 5: what each fit of a one-series network in a backtest chose (the search's
        // settings, a window shortened to a short history, the network's weight beside its
        // baseline); global networks and baselines have none.
        """
        CREATE TABLE fits(
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            series TEXT NOT NULL,
            origin INTEGER NOT NULL,             -- the 1-based origin the model was fitted at
            settings_json TEXT NOT NULL,         -- JSON: networks (cell, window, hiddenSize, layers, learningRate, dropout, normalization, season), search, transform, baseline, weight, notes
            note TEXT NOT NULL,                  -- the same for people
            PRIMARY KEY (run_id, model, series, origin)
        );
        """,
    ]

    /// A random UUID (version 4 form, lower case) as an SQL expression: the UUID of a run
    /// that is not a shard.
    public static let randomUUID = """
        lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' \
        || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
        """

    /// The schema version this code writes.
    public static var version: Int { migrations.count }
}
