import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, Kysely, SqliteDialect, SqliteDriver } from 'kysely';
import { type ImportReport, importLegacy } from './import-legacy.js';
import { type ErrorClassifier, KyselyStore } from './kysely-store.js';
import { migrate } from './migrations.js';
import type { Schema } from './schema.js';

/**
 * The embedded store: one SQLite file `netwatch.db` in storage.dir, WAL mode, through
 * better-sqlite3 (synchronous) wrapped by kysely (asynchronous API, portable SQL).
 * `synchronous=FULL`: a resolved commit survives power loss, not only kill -9; its cost,
 * measured, is in docs/decisions/0004-sqlite-store.md (commits are batched per tick, so it is one
 * fsync per batch, not per event).
 */

export const DB_FILE = 'netwatch.db';

type DialectConfig = ConstructorParameters<typeof SqliteDialect>[0];

/**
 * Two departures from kysely's SQLite driver. A write transaction takes the write lock at BEGIN
 * (`begin immediate`: no deadlock upgrading a read lock when `netwatch events` or a second
 * process is reading). And a ROLLBACK after SQLite already rolled back by itself (it does on
 * SQLITE_FULL and some I/O errors) is skipped: kysely would otherwise replace the real error,
 * "disk full", with "cannot rollback - no transaction is active".
 */
class NetwatchSqliteDriver extends SqliteDriver {
  constructor(
    config: DialectConfig,
    private readonly sqlite: Database.Database,
  ) {
    super(config);
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}
class NetwatchSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly config: DialectConfig = { database: sqlite },
  ) {
    super(config);
  }
  override createDriver() {
    return new NetwatchSqliteDriver(this.config, this.sqlite);
  }
}

/**
 * SQLite result codes that say the statement or the data is wrong (a bug): everything else SQLite
 * reports (full disk, I/O errors, locks, a file gone read-only…) is a condition to survive and
 * retry, never a reason to drop what was found.
 */
const BUG = /^SQLITE_(ERROR|CONSTRAINT|MISMATCH|RANGE|TOOBIG|MISUSE|AUTH|FORMAT|NOTADB|SCHEMA)/;

export const classifySqliteError: ErrorClassifier = (error) => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_') || BUG.test(code)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { retryable: true, message: `${code.startsWith('SQLITE_FULL') ? 'disk full' : code}: ${message}` };
};

export class SqliteStore extends KyselyStore {
  readonly path: string;
  private constructor(db: Kysely<Schema>, path: string, wallMs: () => number) {
    super(db, classifySqliteError, wallMs);
    this.path = path;
  }

  /** The database handle, for the one-time legacy import and tests. */
  get kysely(): Kysely<Schema> {
    return this.db;
  }

  /**
   * Opens (creating) `dir/netwatch.db` and brings its schema up to date. Failures a user can fix
   * (unwritable directory, a database from a newer netwatch) are values; the caller reports them.
   */
  static async open(
    dir: string,
    options: {
      readonly wallMs?: () => number;
      readonly synchronous?: 'FULL' | 'NORMAL';
      /** Stop migrating at this version (tests of each migration). */
      readonly upTo?: number;
      /**
       * Only open a store that exists (or an earlier version's files to import): commands that
       * read must not create an empty store in a mistyped storage.dir and answer "no events".
       */
      readonly existing?: boolean;
    } = {},
  ): Promise<
    | { readonly ok: true; readonly store: SqliteStore; readonly imported: ImportReport | undefined }
    | { readonly ok: false; readonly reason: string }
  > {
    const path = join(dir, DB_FILE);
    if (options.existing && !existsSync(path) && !existsSync(join(dir, 'events.jsonl')))
      return {
        ok: false,
        reason: `no store at ${path}: is storage.dir right, and has netwatch run used it?`,
      };
    let sqlite: Database.Database;
    try {
      // Device data (names, addresses, what broke when): readable by its owner only.
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      sqlite = new Database(path);
      try {
        chmodSync(path, 0o600);
      } catch {
        // not ours to change (a shared volume): leave it as the operator set it
      }
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      sqlite.pragma('busy_timeout = 5000');
      // The WAL restarts after each checkpoint; this truncates what it grew to in a burst.
      sqlite.pragma('journal_size_limit = 16777216');
    } catch (error) {
      return {
        ok: false,
        reason: `cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const db = new Kysely<Schema>({ dialect: new NetwatchSqliteDialect(sqlite) });
    const wallMs = options.wallMs ?? Date.now;
    let imported: ImportReport | undefined;
    try {
      const migrated = await migrate(db, 'sqlite', options.upTo);
      if (!migrated.ok) {
        await db.destroy();
        return { ok: false, reason: `${path}: ${migrated.reason}` };
      }
      if (options.upTo === undefined) imported = await importLegacy(db, dir, wallMs());
    } catch (error) {
      await db.destroy();
      return {
        ok: false,
        reason: `cannot prepare ${path}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    return { ok: true, store: new SqliteStore(db, path, wallMs), imported };
  }
}
