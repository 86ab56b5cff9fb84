// A typed `sql` tagged template: every interpolated value becomes a server-side
// parameter ({p0:Type}); identifiers can only come from closed enums via `ident`.

export type SqlParamType =
  | 'String'
  | 'Int64'
  | 'UInt64'
  | 'Float64'
  | 'Bool'
  | "DateTime64(3, 'UTC')"
  | 'Array(String)'
  | 'Array(Int64)'
  | 'Array(Float64)';

export class Param {
  constructor(
    readonly type: SqlParamType,
    readonly value: unknown,
  ) {}
}

export class Ident {
  constructor(readonly name: string) {}
}

/** A fragment of SQL with its parameters; fragments nest. */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /**
   * Renders the text and the parameter map. Parameter names are positional; a value
   * interpolated again — the same array, or an equal string or number, as the same type —
   * reuses its parameter: a server takes parameters in the request's URL (at most 1 MiB by
   * default, http_max_uri_size), and the clocks' refresh names its deals in ~30 places
   * (100 deals: 437 parameters and 129 KB of URL, one round of 5,000 deals ~6 MB: refused;
   * found by the server-mode tests, lib/testing/test-clickhouse).
   */
  build(counter: ParamNames = { n: 0 }): { query: string; params: Record<string, unknown> } {
    const named = (counter.named ??= new Map());
    let query = '';
    const params: Record<string, unknown> = {};
    this.strings.forEach((s, i) => {
      query += s;
      if (i >= this.values.length) return;
      const v = this.values[i];
      if (v instanceof Sql) {
        const inner = v.build(counter);
        query += inner.query;
        Object.assign(params, inner.params);
      } else if (v instanceof Ident) {
        query += v.name;
      } else {
        const p = v instanceof Param ? v : new Param(inferType(v), v);
        let byType = named.get(p.value);
        if (!byType) named.set(p.value, (byType = new Map()));
        let name = byType.get(p.type);
        if (name === undefined) {
          name = `p${counter.n++}`;
          byType.set(p.type, name);
          params[name] = serialiseParam(p);
        }
        query += `{${name}:${p.type}}`;
      }
    });
    return { query, params };
  }
}

/** Parameter names given so far in one statement, by value (arrays by identity) and type. */
interface ParamNames {
  n: number;
  named?: Map<unknown, Map<SqlParamType, string>>;
}

function inferType(v: unknown): SqlParamType {
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int64' : 'Float64';
  if (typeof v === 'bigint') return 'Int64';
  if (v instanceof Date) return "DateTime64(3, 'UTC')";
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return 'Array(String)';
  throw new Error(`sql: cannot infer a ClickHouse type for ${typeof v}; wrap it in param(type, value)`);
}

function serialiseParam(p: Param): unknown {
  if (p.value instanceof Date) return p.value.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof p.value === 'string' && p.type.startsWith('DateTime64')) {
    return new Date(p.value).toISOString().replace('T', ' ').replace('Z', '');
  }
  return p.value;
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql(strings, values);
}

export function param(type: SqlParamType, value: unknown): Param {
  return new Param(type, value);
}

/** An identifier taken from a closed list: the only way a name enters SQL text. */
export function ident<T extends string>(name: T, allowed: readonly T[]): Ident {
  if (!allowed.includes(name)) throw new Error(`sql: identifier ${JSON.stringify(name)} is not allowed`);
  return new Ident(name);
}

/**
 * SQL text that comes from the schema itself (migration files, a view's stored SELECT,
 * column names read from system tables), never from a request: used as is.
 */
export function trustedSql(text: string): Sql {
  return new Sql([text], []);
}

/** Joins fragments with a separator (e.g. AND-ed filters). */
export function join(parts: Sql[], separator: string): Sql {
  if (parts.length === 0) return sql``;
  const strings = [''];
  const values: unknown[] = [];
  parts.forEach((p, i) => {
    if (i > 0) strings[strings.length - 1] += separator;
    values.push(p);
    strings.push('');
  });
  return new Sql(strings, values);
}

export const empty = sql``;

/**
 * Settings for a DELETE on a table with the block number/offset columns (sql/044): it runs as
 * a lightweight update (patch parts, milliseconds) instead of a mutation over every part.
 */
export const PATCH_DELETE = { lightweight_delete_mode: 'lightweight_update' };
