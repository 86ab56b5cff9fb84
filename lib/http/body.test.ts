import { describe, expect, it } from 'vitest';
import { forEachBodyItem, parseEventList, type BodyItem } from './body';

describe('parseEventList', () => {
  it('NDJSON: items with the line each came from, malformed lines kept by index', () => {
    const body = Buffer.from('{"a": 1}\n\n  {"b":2}  \nnot json\n');
    const r = parseEventList(body, 'application/x-ndjson; charset=utf-8');
    expect(r.items).toEqual([{ a: 1 }, { b: 2 }, undefined]);
    expect(r.lines).toEqual(['{"a": 1}', '{"b":2}', 'not json']);
    expect(r.parseErrors.map((p) => [p.index, p.raw])).toEqual([[2, 'not json']]);
  });

  it('NDJSON read line by line from the bytes gives what splitting the decoded text gives', () => {
    // Multibyte characters, CRLF, a BOM, blank and whitespace-only lines, a truncated
    // UTF-8 sequence right before a newline and one at the very end.
    const parts = [
      Buffer.from('\uFEFF{"customer":"Société Générale — 株式会社"}\r\n'),
      Buffer.from('\u00a0\n   \n{"x":"ok"}\n'),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x0a]), // {"a":"<cut €>\n
      Buffer.from('{"emoji":"🧾"}\n'),
      Buffer.from([0x7b, 0x7d, 0xf0, 0x9f]),
    ];
    const body = Buffer.concat(parts);
    const expected = body.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const r = parseEventList(body, 'application/x-ndjson');
    expect(r.lines).toEqual(expected);
    expect(r.items[0]).toEqual({ customer: 'Société Générale — 株式会社' });
    expect(r.items[1]).toEqual({ x: 'ok' });
    expect(r.items[3]).toEqual({ emoji: '🧾' });
    expect(r.parseErrors.map((p) => p.index)).toEqual([2, 4]);
  });

  it('NDJSON read from the chunks it arrived in gives what the whole body gives, wherever the chunks split it', () => {
    const body = Buffer.from('{"customer":"Société — 株式会社"}\r\n\n  {"x":"ok"}\nnot json\n{"emoji":"🧾"}\n{"last":true}');
    const whole = parseEventList(body, 'application/x-ndjson');
    expect(whole.items).toHaveLength(5);
    const at = (cuts: number[]) => [0, ...cuts, body.length].slice(1).map((end, i, ends) => body.subarray(i === 0 ? 0 : ends[i - 1], end));
    for (let i = 0; i <= body.length; i++) {
      for (const cuts of [[i], [i, Math.min(body.length, i + 1)], [Math.floor(i / 2), i]]) {
        expect(parseEventList(at(cuts), 'application/x-ndjson')).toEqual(whole);
      }
    }
    // One byte per chunk: every line crosses chunks.
    expect(parseEventList([...body].map((b) => Buffer.from([b])), 'application/x-ndjson')).toEqual(whole);
    expect(parseEventList([Buffer.from('[{"a":'), Buffer.from('1}]')], 'application/json').items).toEqual([{ a: 1 }]);
  });

  it('a JSON array has no lines', () => {
    const r = parseEventList(Buffer.from('[{"a":1},{"b":2}]'), 'application/json');
    expect(r.items).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.lines).toBeUndefined();
  });

  it('NDJSON items come with their exact bytes where the trimmed line is JSON-trimmed bytes, wherever the chunks split', () => {
    const body = Buffer.from('\uFEFF{"bom":1}\r\n {"customer":"Société — 株式会社"} \r\n\t{"x":"ok"}\nnot json\n\u00a0{"nbsp":1}\n{"last":true}');
    const items = (chunks: Buffer[]) => {
      const out: BodyItem[] = [];
      forEachBodyItem(chunks, 'application/x-ndjson', (it) => out.push(it));
      return out.map((it) => (it.errors ? null : { line: it.line, bytes: it.bytes?.toString('utf8', it.start, it.end) ?? null }));
    };
    const expected = [
      // trim() also removed a BOM / a no-break space, which are not JSON white space: no bytes
      { line: '{"bom":1}', bytes: null },
      { line: '{"customer":"Société — 株式会社"}', bytes: '{"customer":"Société — 株式会社"}' },
      { line: '{"x":"ok"}', bytes: '{"x":"ok"}' },
      null,
      { line: '{"nbsp":1}', bytes: null },
      { line: '{"last":true}', bytes: '{"last":true}' },
    ];
    expect(items([body])).toEqual(expected);
    for (let i = 0; i <= body.length; i++) expect(items([body.subarray(0, i), body.subarray(i)])).toEqual(expected);
    expect(items([...body].map((b) => Buffer.from([b])))).toEqual(expected);
  });
});
