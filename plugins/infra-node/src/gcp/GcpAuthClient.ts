import http from 'node:http';
import https from 'node:https';
import { AuthClient, gaxios, GoogleAuth } from 'google-auth-library';

/**
 * fetch over node:http(s), for Google's clients. It honours a private CA (the agent) and needs no
 * `import()` of node-fetch (which gaxios 7 does lazily, and which Jest cannot load without
 * experimental flags). Responses of these APIs are small JSON documents: read whole.
 */
function nodeFetch(
  url: string | URL,
  init: {
    method?: string;
    headers?: Headers;
    body?: string | Buffer;
    agent?: http.Agent;
    signal?: AbortSignal;
  },
): Promise<Response> {
  const target = new URL(url);
  const transport = target.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: init.method ?? 'GET',
        headers: init.headers ? Object.fromEntries(init.headers.entries()) : {},
        agent: init.agent,
        signal: init.signal,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') headers.set(k, v);
          }
          const status = res.statusCode ?? 500;
          const body =
            status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * The auth client Groundcrew gives Google's Node clients (REST mode): it adds the credentials'
 * Authorization header, trusts an optional private CA, and lets every HTTP status through to
 * google-gax.
 *
 * That last part matters: google-gax 5 sends REST calls through `authClient.fetch`, and gaxios 7
 * throws on a non-2xx answer before google-gax can decode Google's error body. With the status let
 * through, an error arrives as a GoogleError with its gRPC code (ALREADY_EXISTS, PERMISSION_DENIED,
 * …) and its field violations, which Groundcrew turns into clear messages.
 *
 * @public
 */
export class GcpAuthClient extends AuthClient {
  private readonly agent: https.Agent;

  /** Google's credentials: application default credentials, or a service-account key file. */
  static fromGoogleAuth(auth: GoogleAuth, options: { caPem?: string } = {}) {
    return new GcpAuthClient({
      authorization: async url => auth.getRequestHeaders(url),
      caPem: options.caPem,
    });
  }

  constructor(
    private readonly options: {
      /** The headers that authenticate a request to `url`. */
      authorization: (url?: string) => Promise<Headers>;
      /** PEM of a CA to trust besides the system's. */
      caPem?: string;
    },
  ) {
    super();
    this.agent = new https.Agent({ ca: options.caPem, keepAlive: true });
  }

  async request<T>(opts: gaxios.GaxiosOptions): gaxios.GaxiosPromise<T> {
    const url = opts.url ? String(opts.url) : undefined;
    const headers = new Headers(opts.headers);
    (await this.options.authorization(url)).forEach((value, key) =>
      headers.set(key, value),
    );
    return this.transporter.request<T>({
      ...opts,
      headers,
      agent: this.agent,
      fetchImplementation: nodeFetch as unknown as typeof fetch,
      validateStatus: () => true,
    });
  }

  /** Closes the kept-alive connections (at backend shutdown). */
  close(): void {
    this.agent.destroy();
  }

  async getAccessToken() {
    const auth = (await this.options.authorization()).get('authorization');
    return { token: auth?.replace(/^Bearer /i, '') ?? null };
  }

  async getRequestHeaders(url?: string | URL): Promise<Headers> {
    return this.options.authorization(url ? String(url) : undefined);
  }
}
