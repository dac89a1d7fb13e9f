export interface Config {
  groundcrew?: {
    /**
     * The deploy board. Checked at start-up: an invalid value stops the backend with an error that
     * names the key, e.g. `groundcrew.deployBoard.stream.heartbeatSeconds must be a number from 1
     * to 20, got 0`.
     */
    deployBoard?: {
      /** Which labels place a workload in an environment. Each must be a Kubernetes label key. */
      environmentLabels?: {
        /** Cluster label (from `groundcrew.kubernetes.clusters[].labels`). Default `environment`. */
        cluster?: string;
        /** Namespace label that overrides the cluster's. Default `groundcrew.io/environment`. */
        namespace?: string;
      };
      /**
       * How long a caller's right to read an entity is remembered for page loads, in seconds,
       * 0–300. Default 5; 0 asks the catalog on every load. A live stream is checked when it opens.
       */
      readCheckCacheSeconds?: number;
      stream?: {
        /**
         * Comment lines sent to keep idle streams open through proxies, in seconds, 1–20. Default
         * 15. The frontend takes a stream silent for 45 s as dead and reconnects.
         */
        heartbeatSeconds?: number;
        /** Changes within this window become one event, in whole ms, 1–10000. Default 50. */
        debounceMs?: number;
        /**
         * Per-client bytes waiting to be sent before older boards are dropped, a whole number from
         * 65536 (64 KiB) to 268435456 (256 MiB). Default 4194304 (4 MiB).
         */
        maxBufferedBytes?: number;
      };
    };
  };
}
