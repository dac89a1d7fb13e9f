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
        /**
         * Lists in flight at once across the whole fleet, 1 to 64. Default 4. Shared fairly: with
         * more than one cluster, no cluster holds every slot.
         */
        listConcurrency?: number;
        /**
         * Seconds a request to an API server may take (a list page; a watch until its response
         * starts), 1 to 300. Default 5. A cluster that accepts connections and never answers is
         * shown `unreachable` after this long, and the others are not held up by it. A list past
         * its deadline is tried again with twice the time, up to 12 times this.
         */
        requestTimeoutSeconds?: number;
        /**
         * Seconds a watch may send nothing, not even a bookmark, before it is opened again (a
         * half-open connection), 1 to 3600. Default 120: twice the minute at which kube-apiserver
         * sends bookmarks.
         */
        watchSilenceSeconds?: number;
      };
    };
    /**
     * GCP: Resource Manager, Cloud Billing, Service Usage, IAM and GKE, through Google's Node
     * clients. With no `endpoint`, Google's own endpoints and application default credentials (or
     * `credentials.keyFile`) are used.
     */
    /**
     * Teleport, for the Access tab: the auth server's gRPC API with a client certificate (mutual
     * TLS). Absent: the Access tab says Teleport is not configured.
     */
    teleport?: {
      /** `host:port` of the auth server (or a proxy that forwards to it), e.g. `127.0.0.1:7492`. */
      address: string;
      /**
       * An identity file as `tctl auth sign --format=file` writes it (key, certificate, CAs).
       * Re-read when it changes, so a renewed identity is picked up without a restart.
       * @visibility secret
       */
      identityFile?: string;
      /**
       * PEM client certificate, instead of `identityFile`.
       * @visibility secret
       */
      certFile?: string;
      /**
       * PEM private key of `certFile`.
       * @visibility secret
       */
      keyFile?: string;
      /**
       * PEM of the Teleport cluster CA that signs the auth server's certificate.
       * @visibility secret
       */
      caFile?: string;
      /** TLS server name to verify. Default `teleport.cluster.local`, as Teleport's own clients. */
      serverName?: string;
      /** Deadline of every call, in seconds. Default 10. */
      timeoutSeconds?: number;
    };
    /**
     * Vault, for the Secrets tab: metadata only (the portal never reads a secret value). Absent:
     * the Secrets tab says Vault is not configured.
     */
    vault?: {
      /** e.g. `https://vault.example.com:8200`, or `https://127.0.0.1:7491` for the sandbox. */
      endpoint: string;
      /** Vault Enterprise namespace. */
      namespace?: string;
      /** PEM of the CA that signed Vault's certificate. */
      caData?: string;
      /** Path to a PEM file with that CA. */
      caFile?: string;
      auth: {
        /** `token` (default) or `kubernetes` (the pod's service-account token). */
        type?: 'token' | 'kubernetes';
        /**
         * A token whose policy allows `list`/`read` on `<mount>/metadata/*`, `list`+`sudo` on
         * `sys/leases/lookup/<prefix>/*`, `read` on `sys/mounts`, and nothing on `<mount>/data/*`.
         * @visibility secret
         */
        token?: string;
        /** The Kubernetes auth role (auth.type kubernetes). */
        role?: string;
        /** Default `/var/run/secrets/kubernetes.io/serviceaccount/token`. */
        jwtFile?: string;
        /** The Kubernetes auth mount, default `kubernetes`. */
        mountPoint?: string;
      };
      /** Requests to Vault in flight at once (default 8). */
      maxConcurrency?: number;
      /** How long metadata answers are kept (default 15; 0 turns the cache off). */
      metadataCacheSeconds?: number;
      /** Default 10. */
      requestTimeoutSeconds?: number;
      /** Renew the token when this fraction of its TTL has passed (default 0.7). */
      renewFraction?: number;
      /** Base URL of the Vault UI for links (default: the endpoint). */
      uiUrl?: string;
    };
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
    /**
     * glibc's free memory given back to the system (`malloc_trim`) by every backend that uses the
     * watch cache, GCP or Vault services. On other C libraries and systems nothing is trimmed.
     */
    nativeHeap?: {
      /**
       * Milliseconds between two trims, 0 (never) to 3600000. Default 500. A trim that gives
       * nothing back takes ≈ 20 µs.
       */
      trimIntervalMs?: number;
    };
  };
}
