import { SseEvent, SseParser } from './SseParser';

function parseInChunks(text: string, sizes: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let offset = 0;
  let i = 0;
  while (offset < text.length) {
    const size = sizes[i++ % sizes.length];
    events.push(...parser.push(text.slice(offset, offset + size)));
    offset += size;
  }
  return events;
}

const stream = [
  ': heartbeat',
  '',
  'event: board',
  'id: 7',
  'data: {"revision":7}',
  '',
  ': heartbeat',
  'event: board',
  'id: 8',
  'data: {"revision":8,',
  'data:  "note":"two lines"}',
  '',
  '',
].join('\n');

const expected: SseEvent[] = [
  { type: 'board', id: '7', data: '{"revision":7}' },
  { type: 'board', id: '8', data: '{"revision":8,\n "note":"two lines"}' },
];

describe('SseParser', () => {
  it('parses events, ids, multi-line data and skips comments', () => {
    expect(new SseParser().push(stream)).toEqual(expected);
  });

  it('gives the same events however the stream is split', () => {
    for (const sizes of [[1], [2], [3, 1], [5, 7, 11], [64]]) {
      expect(parseInChunks(stream, sizes)).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split across chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    const cr = stream.replace(/\n/g, '\r');
    for (const sizes of [[1], [2], [4, 3]]) {
      expect(parseInChunks(crlf, sizes)).toEqual(expected);
      expect(parseInChunks(cr, sizes)).toEqual(expected);
    }
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([
      { type: 'message', id: '', data: 'a' },
    ]);
    expect(parser.push('\ndata: b\n\n')).toEqual([
      { type: 'message', id: '', data: 'b' },
    ]);
  });

  it('keeps an incomplete event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: board\nid: 3\ndata: {}')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ type: 'board', id: '3', data: '{}' }]);
  });

  it('keeps the last id for events without one and remembers it', () => {
    const parser = new SseParser();
    const events = parser.push('id: 4\ndata: a\n\ndata: b\n\nid\ndata: c\n\n');
    expect(events.map(e => e.id)).toEqual(['4', '4', '']);
    parser.push('id: 9\n\n');
    expect(parser.lastId).toBe('9');
  });

  it('ignores events without data, unknown fields, retry and a leading BOM', () => {
    const parser = new SseParser();
    expect(
      parser.push('\ufeffevent: board\n\nretry: 100\nfoo: bar\ndata\n\n'),
    ).toEqual([{ type: 'message', id: '', data: '' }]);
  });

  it('keeps colons inside values and only strips one leading space', () => {
    expect(new SseParser().push('data:  a: b\n\n')).toEqual([
      { type: 'message', id: '', data: ' a: b' },
    ]);
  });
});
