export interface Config {
  groundcrew?: {
    runway?: {
      /** The Helm chart a GKE turn-up instantiates through a Flux HelmRelease. */
      chart?: {
        /** Chart name. Default `runway-service`. */
        name?: string;
        /** Chart version (semver). Default `1.4.0`. */
        version?: string;
        /** The Flux HelmRepository that serves the chart. Default `flux-system/runway-charts`. */
        repository?: {
          name?: string;
          namespace?: string;
        };
      };
      gke?: {
        /** The Gateway API Gateway the service's HTTPRoute attaches to. Default `gateway-system/external-gateway`. */
        gateway?: {
          name?: string;
          namespace?: string;
        };
        /** Hostnames are `<service>.<cluster>.<domain>`. Default `example.com`. */
        domain?: string;
        /** How long `runway:service:create` waits for the HelmRelease to be Ready and the pods to roll out. Default 10. */
        rolloutTimeoutMinutes?: number;
      };
      cloudRun?: {
        /** How long `runway:service:create` waits for each Cloud Run operation. Default 10. */
        operationTimeoutMinutes?: number;
      };
    };
  };
}
