import { GcpAuthClient } from './GcpAuthClient';

/**
 * An auth client for Google's Node clients that sends one fixed bearer token and, optionally,
 * trusts a private CA. For a GCP-compatible endpoint that is not Google's (the Groundcrew
 * sandbox, a recording proxy); Google's own endpoints use application default credentials or a
 * key file instead.
 *
 * @public
 */
export class StaticTokenAuthClient extends GcpAuthClient {
  constructor(options: { token: string; caPem?: string }) {
    const headers = new Headers({ authorization: `Bearer ${options.token}` });
    super({
      authorization: async () => new Headers(headers),
      caPem: options.caPem,
    });
  }
}
