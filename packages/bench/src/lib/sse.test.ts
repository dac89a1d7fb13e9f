import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses events split across chunks and skips comments and retry', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 2000\n\n: heartbeat\n\nevent: bo')).toEqual([]);
    expect(
      parser.push('ard\nid: 7\ndata: {"a":1}\n\nevent: board\nid: 8\n'),
    ).toEqual([{ event: 'board', id: '7', data: '{"a":1}' }]);
    expect(parser.push('data: x\ndata: y\n\n')).toEqual([
      { event: 'board', id: '8', data: 'x\ny' },
    ]);
  });
});
