export interface Config {
  groundcrew?: {
    kubernetes?: {
      /**
       * The clusters Groundcrew reads and deploys to. More can be registered at run time (a cluster
       * created from a template); those are kept in the database, not here.
       */
      clusters?: Array<{
        /** A DNS label, unique in the fleet, e.g. `gke-prod-us-east1`. */
        name: string;
        /** The API server, e.g. `https://10.0.0.1` or `https://127.0.0.1:7441` for the sandbox. */
        url: string;
        /** PEM of the CA that signed the API server's certificate. */
        caData?: string;
        /** Path to a PEM file with that CA. */
        caFile?: string;
        /** Accept any server certificate. Never in production. */
        skipTLSVerify?: boolean;
        /**
         * A bearer token for the cluster. Give exactly one of token, serviceAccountTokenFile,
         * credential.
         * @visibility secret
         */
        token?: string;
        /** A file holding a token, re-read every minute (projected service-account tokens). */
        serviceAccountTokenFile?: string;
        /** The name of an entry under `groundcrew.kubernetes.credentials`. */
        credential?: string;
        /** Labels such as `environment` and `region` that place the cluster on the boards. */
        labels?: { [key: string]: string };
      }>;
      /**
       * Named credentials that clusters in config, and clusters registered at run time, refer to.
       */
      credentials?: {
        [name: string]: {
          /** @visibility secret */
          token: string;
        };
      };
      /** How often each replica re-reads the clusters registered at run time. Default 15. */
      registrySyncIntervalSeconds?: number;
      /**
       * How the watch cache makes its lists (at start, and after a watch expires). Smaller pages
       * and fewer lists at once lower the backend's memory peak during the first sync, and make
       * that sync slower; see docs/content/performance.md.
       */
      cache?: {
        /** Objects per page of a list, 10 to 5000. Default 500. */
        listPageSize?: number;
        /** Lists in flight at once across the whole fleet, 1 to 64. Default 4. */
        listConcurrency?: number;
      };
    };
    /**
     * GCP: Resource Manager, Cloud Billing, Service Usage, IAM and GKE, through Google's Node
     * clients. With no `endpoint`, Google's own endpoints and application default credentials (or
     * `credentials.keyFile`) are used.
     */
    gcp?: {
      /**
       * One endpoint for every GCP API, for a GCP-compatible server such as the sandbox
       * (`https://127.0.0.1:7451`). Leave out for Google.
       */
      endpoint?: string;
      /** PEM of a CA to trust for `endpoint`. */
      caData?: string;
      /** Path to a PEM file with that CA. */
      caFile?: string;
      /** Leave out for application default credentials (GOOGLE_APPLICATION_CREDENTIALS, workload identity). */
      credentials?: {
        /**
         * Path to a service-account key file (JSON).
         * @visibility secret
         */
        keyFile?: string;
        /**
         * A fixed bearer token, only for a GCP-compatible `endpoint` (the sandbox).
         * @visibility secret
         */
        token?: string;
      };
      /** Calls answered 429 (RESOURCE_EXHAUSTED) or 503 are retried with exponential back-off. */
      retry?: {
        /** Attempts in all, 1 to 20. Default 5. */
        attempts?: number;
        /** The first pause, doubled each time. Default 1. */
        initialBackoffSeconds?: number;
      };
      /** How often a long-running operation (project, APIs, cluster) is polled. Default 2. */
      operationPollIntervalSeconds?: number;
      /** The regions the cluster wizard offers. Default: every GKE region Groundcrew knows. */
      regions?: string[];
    };
  };
}
