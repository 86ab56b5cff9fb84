import { describe, expect, it } from 'vitest';
import { EventTexts } from './texts';

describe('EventTexts', () => {
  const body = Buffer.from('{"a":"Société"}\n{"b":"株式会社"}\n');
  const texts = () => {
    const t = new EventTexts();
    const nl = body.indexOf(10);
    t.addBytes(body, 0, nl);
    t.addString('{"s":"🧾"}');
    t.addBytes(body, nl + 1, body.length - 1);
    return t;
  };

  it('holds byte ranges and strings by index, with their UTF-8 sizes', () => {
    const t = texts();
    expect(t.length).toBe(3);
    expect([0, 1, 2].map((i) => t.text(i))).toEqual(['{"a":"Société"}', '{"s":"🧾"}', '{"b":"株式会社"}']);
    expect([0, 1, 2].map((i) => t.byteLength(i))).toEqual([0, 1, 2].map((i) => Buffer.byteLength(t.text(i))));
  });

  it('writes each text where asked, as a JSON array of them parses back to the events', () => {
    const t = texts();
    const out = Buffer.alloc(100, 0x2a);
    let at = 0;
    out[at++] = 0x5b;
    for (let i = 0; i < t.length; i++) {
      if (i > 0) out[at++] = 0x2c;
      at += t.write(i, out, at);
    }
    out[at++] = 0x5d;
    expect(JSON.parse(out.toString('utf8', 0, at))).toEqual([{ a: 'Société' }, { s: '🧾' }, { b: '株式会社' }]);
    expect(out[at]).toBe(0x2a); // nothing written past the end
  });

  it('picks a subset in the given order', () => {
    const p = texts().pick([2, 0]);
    expect(p.length).toBe(2);
    expect([p.text(0), p.text(1)]).toEqual(['{"b":"株式会社"}', '{"a":"Société"}']);
    expect(EventTexts.of(['{"x":1}']).text(0)).toBe('{"x":1}');
  });
});
