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
 * A cluster's error message as a viewer of the board may see it: without the internal addresses
 * of the cluster (the backend's log keeps the whole message). "connect ECONNREFUSED
 * 10.0.0.5:443" becomes "connect ECONNREFUSED (address hidden)".
 */
export function withoutAddresses(message: string): string {
  let result = message;
  for (const [pattern, replacement] of ADDRESSES) {
    result = result.replace(pattern, replacement);
  }
  return result;
}
