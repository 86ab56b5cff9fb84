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

  /** Renders the text and the parameter map; parameter names are positional and unique. */
  build(counter = { n: 0 }): { query: string; params: Record<string, unknown> } {
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
        const name = `p${counter.n++}`;
        query += `{${name}:${p.type}}`;
        params[name] = serialiseParam(p);
      }
    });
    return { query, params };
  }
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
