import http from 'node:http';

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** Splits a text/event-stream into events; comments and `retry:` lines are dropped. */
export class SseParser {
  private buffer = '';

  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const cut = this.buffer.indexOf('\n\n');
      if (cut < 0) return events;
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) events.push({ event, id, data: data.join('\n') });
    }
  }
}

export interface SseStream {
  /** Resolves once the server answered 200 with the stream's headers. */
  opened: Promise<void>;
  /** Set when the stream failed or ended before `close()`. */
  error?: Error;
  close(): void;
}

/** Opens a server-sent-events stream with node:http and calls `onEvent` for each event. */
export function openSseStream(options: {
  url: string;
  headers: Record<string, string>;
  agent: http.Agent;
  onEvent: (event: SseEvent) => void;
}): SseStream {
  let closed = false;
  const parser = new SseParser();
  let req: http.ClientRequest | undefined;
  const stream: SseStream = {
    opened: new Promise<void>((resolve, reject) => {
      req = http.get(
        options.url,
        {
          agent: options.agent,
          headers: { ...options.headers, Accept: 'text/event-stream' },
        },
        res => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(
              new Error(
                `${options.url} answered ${res.statusCode} to a stream`,
              ),
            );
            return;
          }
          resolve();
          res.setEncoding('utf8');
          res.on('data', (text: string) => {
            for (const event of parser.push(text)) options.onEvent(event);
          });
          res.on('error', error => {
            if (!closed) stream.error = error;
          });
          res.on('end', () => {
            if (!closed) stream.error = new Error('the stream ended');
          });
        },
      );
      req.on('error', error => {
        if (closed) return;
        stream.error = error;
        reject(error);
      });
    }),
    close() {
      closed = true;
      req?.destroy();
    },
  };
  return stream;
}
