export interface Config {
  groundcrew?: {
    deployBoard?: {
      /** Which labels place a workload in an environment. */
      environmentLabels?: {
        /** Cluster label (from `groundcrew.kubernetes.clusters[].labels`). Default `environment`. */
        cluster?: string;
        /** Namespace label that overrides the cluster's. Default `groundcrew.io/environment`. */
        namespace?: string;
      };
      /**
       * How long a caller's right to read an entity is remembered for page loads, in seconds.
       * Default 5; 0 asks the catalog on every load. A live stream is checked when it opens.
       */
      readCheckCacheSeconds?: number;
      stream?: {
        /** Comment lines sent to keep idle streams open through proxies. Default 15. */
        heartbeatSeconds?: number;
        /** Changes within this window become one event. Default 50. */
        debounceMs?: number;
        /** Per-client bytes waiting to be sent before older boards are dropped. Default 4 MiB. */
        maxBufferedBytes?: number;
      };
    };
  };
}
