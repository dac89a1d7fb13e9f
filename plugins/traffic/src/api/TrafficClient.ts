import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  TrafficChangeRecord,
  TrafficChangeRequest,
  TrafficChangeResult,
  TrafficView,
} from '@groundcrew/plugin-infra-common';
import { StreamTrafficOptions, TrafficApi } from './TrafficApi';

/**
 * {@link TrafficApi} over the traffic backend's HTTP API.
 *
 * @public
 */
export class TrafficClient implements TrafficApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
      /** Reconnect delay after a dropped stream (default 2 s). */
      reconnectMs?: number;
    },
  ) {}

  private async url(
    section: 'routes' | 'history',
    entityRef: CompoundEntityRef | string,
  ) {
    const ref = parseEntityRef(
      typeof entityRef === 'string' ? entityRef : stringifyEntityRef(entityRef),
    );
    const base = await this.options.discoveryApi.getBaseUrl('traffic');
    return `${base}/${section}/${encodeURIComponent(
      ref.namespace,
    )}/${encodeURIComponent(
      ref.kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(ref.name)}`;
  }

  private async json<T>(url: string, init?: RequestInit): Promise<T> {
    const response = await this.options.fetchApi.fetch(url, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  getView(entityRef: CompoundEntityRef | string) {
    return this.url('routes', entityRef).then(u => this.json<TrafficView>(u));
  }

  async getHistory(entityRef: CompoundEntityRef | string) {
    const body = await this.json<{ changes: TrafficChangeRecord[] }>(
      await this.url('history', entityRef),
    );
    return body.changes;
  }

  async change(
    entityRef: CompoundEntityRef | string,
    request: TrafficChangeRequest,
  ) {
    return this.json<TrafficChangeResult>(
      `${await this.url('routes', entityRef)}/changes`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  async streamView(
    entityRef: CompoundEntityRef | string,
    options: StreamTrafficOptions,
  ): Promise<void> {
    const { signal } = options;
    const retryInMs = this.options.reconnectMs ?? 2000;
    while (!signal.aborted) {
      try {
        const response = await this.options.fetchApi.fetch(
          `${await this.url('routes', entityRef)}/stream`,
          { signal, headers: { Accept: 'text/event-stream' } },
        );
        if (!response.ok) throw await ResponseError.fromResponse(response);
        await readEvents(response, data => options.onView(JSON.parse(data)));
        options.onError?.(new Error('The traffic stream ended'), { retryInMs });
      } catch (error) {
        if (signal.aborted) return;
        options.onError?.(error as Error, { retryInMs });
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, retryInMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  }
}

/** Reads `event: traffic` data lines from a text/event-stream body (the server ends lines with \n). */
async function readEvents(response: Response, onData: (data: string) => void) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const lines = block.split('\n');
      const data = lines
        .filter(l => l.startsWith('data:'))
        .map(l => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data && lines.some(l => l === 'event: traffic')) onData(data);
      cut = buffer.indexOf('\n\n');
    }
  }
}
