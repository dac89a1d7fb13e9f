export interface Config {
  groundcrew?: {
    permissions?: {
      /**
       * Entity ref of the group whose members may perform every Groundcrew mutation.
       * Defaults to `group:default/platform`.
       */
      platformGroup?: string;
      /**
       * Groundcrew read permissions to keep to the entity's owners (and the platform group) instead
       * of every signed-in user, e.g. `[groundcrew.deployBoard.read]` so that only a service's
       * owners see its pods. Each must be a Groundcrew read permission on catalog entities;
       * anything else stops the backend with an error naming the key. Default: none.
       */
      ownersOnlyReads?: string[];
    };
  };
}
