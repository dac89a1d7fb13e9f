import { FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/test-utils';
import { DeployBoard, diffJson } from '@groundcrew/plugin-infra-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { syntheticBoard } from '../testing/syntheticBoard';
import { DeployBoardClient } from './DeployBoardClient';

const server = setupServer();
registerMswTestHooks(server);

const baseUrl = 'http://backstage.test/api/deploy-board';
const boardUrl = `${baseUrl}/boards/default/component/ai-gateway`;
const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'ai-gateway',
};

const fetchApi: FetchApi = { fetch: (input, init) => fetch(input, init) };

function createClient() {
  return new DeployBoardClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
}

function sseBody(chunks: string[], options: { keepOpen?: boolean } = {}) {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!options.keepOpen) controller.close();
    },
  });
}

function boardEvent(board: DeployBoard) {
  return `event: board\nid: ${board.revision}\ndata: ${JSON.stringify(
    board,
  )}\n\n`;
}

function patchEvent(id: string, from: string, a: DeployBoard, b: DeployBoard) {
  return `event: patch\nid: ${id}\ndata: ${JSON.stringify({
    from,
    ops: diffJson(a, b),
  })}\n\n`;
}

const sseResponse = (events: string[], keepOpen = true) =>
  new HttpResponse(sseBody(events, { keepOpen }), {
    headers: { 'Content-Type': 'text/event-stream' },
  });

describe('DeployBoardClient', () => {
  it('gets a board by entity ref', async () => {
    const board = syntheticBoard({ revision: 3 });
    server.use(http.get(boardUrl, () => HttpResponse.json(board)));

    await expect(createClient().getBoard(entityRef)).resolves.toEqual(board);
    await expect(
      createClient().getBoard('component:default/ai-gateway'),
    ).resolves.toEqual(board);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      http.get(boardUrl, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'The fleet cache is not warm yet',
            },
            request: {
              method: 'GET',
              url: '/boards/default/component/ai-gateway',
            },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );

    const error = await createClient()
      .getBoard(entityRef)
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(error.body.error.name).toBe('ServiceUnavailableError');
    expect(error.cause.message).toBe('The fleet cache is not warm yet');
  });

  it('rejects a response that is not a board', async () => {
    server.use(http.get(boardUrl, () => HttpResponse.json({ hello: 1 })));
    await expect(createClient().getBoard(entityRef)).rejects.toThrow(
      /not a deploy board/,
    );
  });

  it('streams boards and resumes with Last-Event-ID after the server closes', async () => {
    const first = syntheticBoard({ revision: 11 });
    const second = syntheticBoard({ revision: 12, pods: 10 });
    const third = syntheticBoard({ revision: 13, pods: 4 });
    const lastEventIds: Array<string | null> = [];
    server.use(
      http.get(`${boardUrl}/stream`, ({ request }) => {
        lastEventIds.push(request.headers.get('Last-Event-ID'));
        const events =
          lastEventIds.length === 1
            ? // Split inside an event to check the client reassembles it.
              [
                ': heartbeat\n\n',
                boardEvent(first).slice(0, 50),
                boardEvent(first).slice(50),
                boardEvent(second),
              ]
            : [boardEvent(third)];
        return new HttpResponse(
          sseBody(events, { keepOpen: lastEventIds.length > 1 }),
          { headers: { 'Content-Type': 'text/event-stream' } },
        );
      }),
    );

    const controller = new AbortController();
    const boards: number[] = [];
    const errors: Array<{ message: string; retryInMs?: number }> = [];
    let opens = 0;
    const done = createClient().streamBoard(entityRef, {
      signal: controller.signal,
      onOpen: () => opens++,
      onBoard: board => {
        boards.push(board.revision);
        if (board.revision === 13) controller.abort();
      },
      onError: (error, { retryInMs }) =>
        errors.push({ message: error.message, retryInMs }),
    });
    await done;

    expect(boards).toEqual([11, 12, 13]);
    expect(lastEventIds).toEqual([null, '12']);
    expect(opens).toBe(2);
    expect(errors).toEqual([
      { message: 'The deploy board stream ended', retryInMs: 5 },
    ]);
  });

  it('applies differences to the board it has, across a reconnect, and hands over whole boards', async () => {
    const first = syntheticBoard({ revision: 1, pods: 6 });
    const second = syntheticBoard({ revision: 2, pods: 7 });
    const third = syntheticBoard({ revision: 3, pods: 7, canaryShare: 0.5 });
    const lastEventIds: Array<string | null> = [];
    server.use(
      http.get(`${boardUrl}/stream`, ({ request }) => {
        lastEventIds.push(request.headers.get('Last-Event-ID'));
        return lastEventIds.length === 1
          ? sseResponse(
              [boardEvent(first), patchEvent('x.2', '1', first, second)],
              false,
            )
          : sseResponse([patchEvent('x.3', 'x.2', second, third)]);
      }),
    );
    const controller = new AbortController();
    const boards: DeployBoard[] = [];
    await createClient().streamBoard(entityRef, {
      signal: controller.signal,
      onBoard: board => {
        boards.push(board);
        if (boards.length === 3) controller.abort();
      },
    });
    expect(boards).toEqual([first, second, third]);
    expect(lastEventIds).toEqual([null, 'x.2']);
  });

  it('asks again for the whole board, at once and without an id, after a missed difference', async () => {
    const first = syntheticBoard({ revision: 1, pods: 6 });
    const later = syntheticBoard({ revision: 5, pods: 2 });
    const lastEventIds: Array<string | null> = [];
    server.use(
      http.get(`${boardUrl}/stream`, ({ request }) => {
        lastEventIds.push(request.headers.get('Last-Event-ID'));
        return lastEventIds.length === 1
          ? // The patch to revision 3 is from revision 2, which this client never got.
            sseResponse([boardEvent(first), patchEvent('3', '2', first, later)])
          : sseResponse([boardEvent(later)]);
      }),
    );
    const controller = new AbortController();
    const boards: number[] = [];
    const onError = jest.fn();
    await createClient().streamBoard(entityRef, {
      signal: controller.signal,
      onError,
      onBoard: board => {
        boards.push(board.revision);
        if (board.revision === 5) controller.abort();
      },
    });
    expect(boards).toEqual([1, 5]);
    expect(lastEventIds).toEqual([null, null]);
    expect(onError).not.toHaveBeenCalled();
  });

  it('takes a difference that does not apply as a missed one', async () => {
    const first = syntheticBoard({ revision: 1, pods: 2 });
    const bad = `event: patch\nid: 2\ndata: ${JSON.stringify({
      from: '1',
      ops: [{ op: 'replace', path: '/environments/9/name', value: 'x' }],
    })}\n\n`;
    let calls = 0;
    server.use(
      http.get(`${boardUrl}/stream`, () =>
        ++calls === 1
          ? sseResponse([boardEvent(first), bad])
          : sseResponse([boardEvent(first)]),
      ),
    );
    const controller = new AbortController();
    const boards: number[] = [];
    await createClient().streamBoard(entityRef, {
      signal: controller.signal,
      onBoard: board => {
        boards.push(board.revision);
        if (boards.length === 2) controller.abort();
      },
    });
    expect(boards).toEqual([1, 1]);
    expect(calls).toBe(2);
  });

  it('sends the caller’s revision on the first connection', async () => {
    const lastEventIds: Array<string | null> = [];
    server.use(
      http.get(`${boardUrl}/stream`, ({ request }) => {
        lastEventIds.push(request.headers.get('Last-Event-ID'));
        return new HttpResponse(
          sseBody([': heartbeat\n\n'], { keepOpen: true }),
          {
            headers: { 'Content-Type': 'text/event-stream' },
          },
        );
      }),
    );
    const controller = new AbortController();
    const done = createClient().streamBoard(entityRef, {
      signal: controller.signal,
      lastEventId: '41',
      onBoard: () => {},
      onOpen: () => controller.abort(),
    });
    await done;
    expect(lastEventIds).toEqual(['41']);
  });

  it('backs off exponentially on failures, up to the maximum', async () => {
    let calls = 0;
    server.use(
      http.get(`${boardUrl}/stream`, () => {
        calls++;
        return HttpResponse.json(
          {
            error: { name: 'Error', message: 'boom' },
            response: { statusCode: 502 },
          },
          { status: 502 },
        );
      }),
    );
    const controller = new AbortController();
    const delays: Array<number | undefined> = [];
    await createClient().streamBoard(entityRef, {
      signal: controller.signal,
      onBoard: () => {},
      onError: (_error, { retryInMs }) => {
        delays.push(retryInMs);
        if (delays.length === 5) controller.abort();
      },
    });
    expect(delays).toEqual([5, 10, 20, 20, 20]);
    expect(calls).toBe(5);
  });

  it('gives up when the server refuses the stream', async () => {
    server.use(
      http.get(`${boardUrl}/stream`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'no such entity' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const onError = jest.fn();
    await createClient().streamBoard(entityRef, {
      signal: new AbortController().signal,
      onBoard: () => {},
      onError,
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0][0]).toBeInstanceOf(ResponseError);
    expect(onError.mock.calls[0][1]).toEqual({});
  });

  it('reconnects a stream that goes silent', async () => {
    let calls = 0;
    server.use(
      http.get(`${boardUrl}/stream`, () => {
        calls++;
        return new HttpResponse(sseBody([], { keepOpen: true }), {
          headers: { 'Content-Type': 'text/event-stream' },
        });
      }),
    );
    const client = new DeployBoardClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
      fetchApi,
      reconnect: { initialDelayMs: 5 },
      idleTimeoutMs: 20,
    });
    const controller = new AbortController();
    const messages: string[] = [];
    await client.streamBoard(entityRef, {
      signal: controller.signal,
      onBoard: () => {},
      onError: error => {
        messages.push(error.message);
        if (messages.length === 2) controller.abort();
      },
    });
    expect(messages[0]).toMatch(/silent for 20 ms/);
    expect(calls).toBe(2);
  });
});
