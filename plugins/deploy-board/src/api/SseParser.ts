/**
 * One dispatched server-sent event.
 *
 * @public
 */
export interface SseEvent {
  /** The `event:` field, `message` when the server sent none. */
  type: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen on the stream so far (ids persist across events, as in EventSource). */
  id: string;
}

/**
 * Incremental parser for `text/event-stream`, following the WHATWG event-stream interpretation.
 *
 * We parse the stream ourselves because EventSource cannot send the Backstage bearer token. Chunks
 * may split anywhere, including between the `\r` and `\n` of one line ending.
 *
 * @public
 */
export class SseParser {
  private buffer = '';
  private afterCarriageReturn = false;
  private atStart = true;
  private eventType = '';
  private dataLines: string[] = [];
  private hasData = false;
  private lastEventId = '';

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.afterCarriageReturn && text.startsWith('\n')) {
      // The second half of a `\r\n` that the previous chunk ended in the middle of.
      text = text.slice(1);
    }
    this.afterCarriageReturn = false;
    this.buffer += text;

    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.afterCarriageReturn = true;
        }
      }
      start = i + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The id of the last event seen, to resume with `Last-Event-ID`. */
  get lastId(): string {
    return this.lastEventId;
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment, e.g. a heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        // `retry` and unknown fields: the client has its own backoff policy.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const type = this.eventType || 'message';
    const data = this.dataLines.join('\n');
    const hasData = this.hasData;
    this.eventType = '';
    this.dataLines = [];
    this.hasData = false;
    if (!hasData) return undefined;
    return { type, data, id: this.lastEventId };
  }
}
