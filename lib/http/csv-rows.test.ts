import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { csvRowCounter } from './csv-rows';

describe('csvRowCounter', () => {
  it('counts rows, not the line breaks inside quoted cells, however the file is cut into chunks', () => {
    const rows = [
      { id: 'a', raw: '{"x":1,\n"y":"two\r\nlines"}' },
      { id: 'b', raw: 'plain' },
      { id: 'c', raw: 'say ""hi""\nagain' },
      { id: 'd', raw: '' },
    ];
    const bytes = new TextEncoder().encode(toCsv(['id', 'raw'], rows));
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const count = csvRowCounter();
      let total = 0;
      for (let i = 0; i < bytes.length; i += size) total = count(bytes.subarray(i, i + size));
      expect(total, `chunks of ${size}`).toBe(1 + rows.length);
    }
    // what counting every line break gave
    expect(bytes.filter((b) => b === 10).length).toBe(1 + rows.length + 3);
  });
});
