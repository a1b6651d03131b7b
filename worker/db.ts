import { appendFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue, type DuckDBAppender } from '@duckdb/node-api';

/**
 * OPTOUT_PROFILE=1 prints the wall time of each statement over 20 ms on stderr, and of each step
 * of the pipeline (for profiling, not for users); OPTOUT_PROFILE_ALL=1 as well prints every statement, OPTOUT_PROFILE_SQL=FILE appends every statement in full to FILE.
 */
export const PROFILE = process.env.OPTOUT_PROFILE === '1';
const PROFILE_MS = process.env.OPTOUT_PROFILE_ALL === '1' ? 0 : 20;
/** OPTOUT_PROFILE_SQL=FILE (with OPTOUT_PROFILE=1) appends each statement's full SQL and time to FILE. */
const PROFILE_SQL = process.env.OPTOUT_PROFILE_SQL ?? null;

/** Wall seconds of every statement so far (OPTOUT_PROFILE=1), for the pipeline's step lines. */
export const profileTotals = { statements: 0, seconds: 0 };

function profileLine(started: number, sql: string): void {
  const ms = performance.now() - started;
  profileTotals.statements += 1;
  profileTotals.seconds += ms / 1000;
  if (PROFILE_SQL) appendFileSync(PROFILE_SQL, `-- ${(ms / 1000).toFixed(3)}s\n${sql.trim()};\n\n`);
  if (ms < PROFILE_MS) return;
  const head = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim().slice(0, 110);
  process.stderr.write(`[profile] ${(ms / 1000).toFixed(2)}s ${head}\n`);
}

export type Params = Record<string, DuckDBValue>;

export interface DbOptions {
  /** DuckDB memory_limit, e.g. `1GB`. */
  memory?: string | null;
  threads?: number | null;
  /** Where DuckDB spills beyond the memory limit. */
  spillDir?: string | null;
}

/**
 * A thin wrapper over @duckdb/node-api: open, exec, query, close. Runtime values go in as
 * `$named` parameters, never spliced into SQL. Results come back as JSON-safe rows: counts must
 * be cast to integer or double in SQL, so no bigint reaches the report.
 */
export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** A database file (--db), as opposed to one in memory. */
    readonly persistent: boolean,
  ) {}

  static async open(path: string | null, options: DbOptions = {}): Promise<Db> {
    const settings: Record<string, string> = {};
    if (options.memory) settings.memory_limit = options.memory;
    if (options.threads) settings.threads = String(options.threads);
    if (options.spillDir) settings.temp_directory = options.spillDir;
    const instance = await DuckDBInstance.create(path ?? ':memory:', settings);
    const connection = await instance.connect();
    const db = new Db(instance, connection, path !== null);
    // Naive timestamps are UTC by contract (SPEC section 1), and nothing may be fetched.
    await db.exec(`set TimeZone = 'UTC'; set autoinstall_known_extensions = false; set autoload_known_extensions = false;`);
    // Progress is tracked (for the CLI's progress line) but never printed by DuckDB itself.
    await db.exec(`set enable_progress_bar = true; set enable_progress_bar_print = false;`);
    if (path === null) {
      // An in-memory database still checkpoints once a commit has written 16MB, and the first
      // checkpoint went over the raw text tables that staging is about to drop: a second of two
      // cores at 2M messages, for no file. Tables beyond the memory limit still spill.
      await db.exec(`set checkpoint_threshold = '1TB'`);
    }
    return db;
  }

  async exec(sql: string, params?: Params): Promise<void> {
    const t = PROFILE ? performance.now() : 0;
    await this.connection.run(sql, params);
    if (PROFILE) profileLine(t, sql);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const t = PROFILE ? performance.now() : 0;
    const reader = await this.connection.runAndReadAll(sql, params);
    if (PROFILE) profileLine(t, sql);
    return reader.getRowObjectsJS() as T[];
  }

  async queryOne<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T> {
    const rows = await this.query<T>(sql, params);
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql.slice(0, 80)}`);
    return rows[0] as T;
  }

  /** Runs `work`, calling `tick` with the running query's percentage done every `everyMs`. */
  async withProgress<T>(work: () => Promise<T>, tick: (percent: number) => void, everyMs = 500): Promise<T> {
    const timer = setInterval(() => {
      const p = this.connection.progress.percentage;
      if (p >= 0) tick(p);
    }, everyMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Runs `work` with DuckDB free to store rows in any order: writing a table then costs about a
   * third less. Only for work whose tables are read by key or re-sorted, never by rowid.
   */
  async unordered<T>(work: () => Promise<T>): Promise<T> {
    await this.exec('set preserve_insertion_order = false');
    try {
      return await work();
    } finally {
      await this.exec('set preserve_insertion_order = true');
    }
  }

  async appender(table: string): Promise<DuckDBAppender> {
    return this.connection.createAppender(table);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Quote an identifier for SQL (column names come from our own table definitions). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a string literal. Only for values DuckDB cannot take as parameters (table functions' file paths). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
