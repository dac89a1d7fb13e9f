export interface Config {
  groundcrew?: {
    /**
     * The Traffic tab's backend. Checked at start-up: an invalid value stops the backend with an
     * error that names the key.
     */
    traffic?: {
      stream?: {
        /** Comment lines that keep idle streams open through proxies, in seconds, 1–20. Default 15. */
        heartbeatSeconds?: number;
        /** Route changes within this window become one event, in ms, 1–10000. Default 100. */
        debounceMs?: number;
      };
    };
  };
}
