export interface Config {
  groundcrew?: {
    permissions?: {
      /**
       * Entity ref of the group whose members may perform every Groundcrew mutation.
       * Defaults to `group:default/platform`.
       */
      platformGroup?: string;
    };
  };
}
