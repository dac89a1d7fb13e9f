/**
 * Network failures, in words. An HTTP answer is not one of them (the server answered), so these
 * are tried only on messages that do not start with `HTTP <code>`.
 */
const NETWORK_FAILURES: Array<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ECONNRESET|socket hang up/, 'connection reset'],
  [/ETIMEDOUT|ESOCKETTIMEDOUT|\btimed out\b/i, 'timed out'],
  [/ENOTFOUND|EAI_AGAIN/, 'host name not found'],
  [/EHOSTUNREACH|ENETUNREACH/, 'no route to the API server'],
  [
    /\b(?:CERT_\w+|\w*SELF_SIGNED\w*|UNABLE_TO_\w+|ERR_TLS_\w+)\b|certificate has expired|unable to verify|self[- ]signed certificate|does not match certificate/i,
    'TLS certificate not accepted',
  ],
];

const HIDDEN = '(address hidden)';

/**
 * Where a cluster is on the network, in the forms an error message of Node or the Kubernetes
 * client shows it: URLs, IPv4 and IPv6 addresses (with a port or not), `host:port`, and the host of
 * a failed DNS lookup.
 */
const ADDRESSES: Array<[RegExp, string]> = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi, HIDDEN],
  [/\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?/gi, HIDDEN],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, HIDDEN],
  [
    /(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])/gi,
    HIDDEN,
  ],
  // A host has a letter: "12:03:04" is a time.
  [
    /\b(?=[\w.-]*[a-z])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9-]+:\d{1,5}\b(?!:)/gi,
    HIDDEN,
  ],
  [/\b(getaddrinfo \w+|ENOTFOUND|EAI_AGAIN) [^\s,;:]+/g, `$1 ${HIDDEN}`],
];

/**
 * A cluster's error message (the watch cache's, which quotes the failed request) as every viewer
 * of a page may see it: why, not where. A network failure is named in words — "API server
 * unreachable: connection refused"; any other message (an HTTP answer, a silent watch) keeps its
 * words, with every URL, IP address, `host:port` and looked-up host name replaced by
 * "(address hidden)". The backend's log keeps the whole message.
 *
 * @public
 */
export function clusterProblem(
  message: string | undefined,
): string | undefined {
  if (!message) return undefined;
  if (!/^HTTP \d{3}\b/.test(message)) {
    for (const [pattern, words] of NETWORK_FAILURES) {
      if (pattern.test(message)) return `API server unreachable: ${words}`;
    }
  }
  let result = message;
  for (const [pattern, replacement] of ADDRESSES) {
    result = result.replace(pattern, replacement);
  }
  return result;
}
