// The sql template: every value a parameter; a value interpolated again reuses its parameter
// (a server takes parameters in the URL, at most 1 MiB by default).

import { describe, expect, it } from 'vitest';
import { param, sql } from './sql';

describe('sql parameters', () => {
  it('makes every value a typed parameter, never text', () => {
    const { query, params } = sql`SELECT * FROM events WHERE event_id = ${"x'); DROP TABLE events; --"} AND n > ${3}`.build();
    expect(query).toBe('SELECT * FROM events WHERE event_id = {p0:String} AND n > {p1:Int64}');
    expect(params).toEqual({ p0: "x'); DROP TABLE events; --", p1: 3 });
  });

  it('names a value interpolated again once — the same array, an equal string as the same type — across nested fragments', () => {
    const ids = ['crm:opportunity:A', 'crm:opportunity:B'];
    const inner = sql`correlation_id IN ${ids} AND source = ${'erp'}`;
    const { query, params } = sql`SELECT 1 WHERE ${inner} AND ${inner} OR correlation_id IN ${ids} AND x = ${param('String', 'erp')} AND y = ${'erp'}`.build();
    expect(query).toBe('SELECT 1 WHERE correlation_id IN {p0:Array(String)} AND source = {p1:String} AND correlation_id IN {p0:Array(String)} AND source = {p1:String} OR correlation_id IN {p0:Array(String)} AND x = {p1:String} AND y = {p1:String}');
    expect(params).toEqual({ p0: ids, p1: 'erp' });
  });

  it('keeps values apart that are equal as text but not the same parameter: another type, another array with the same items', () => {
    const a = ['k'];
    const { query, params } = sql`${param('String', '7')} ${param('Int64', 7)} ${7} ${a} ${['k']}`.build();
    expect(query).toBe('{p0:String} {p1:Int64} {p1:Int64} {p2:Array(String)} {p3:Array(String)}');
    expect(params).toEqual({ p0: '7', p1: 7, p2: ['k'], p3: ['k'] });
  });
});
