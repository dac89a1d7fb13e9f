export interface Config {
  groundcrew?: {
    /**
     * The Access tab (Teleport access requests). The Teleport connection itself is
     * `groundcrew.teleport` (plugin infra-node).
     */
    teleportAccess?: {
      /** How a signed-in user becomes a Teleport user, when their User entity has no `groundcrew.io/teleport-user` annotation. */
      users?: {
        /**
         * From the e-mail address of the User entity (`spec.profile.email`): `local-part` (default)
         * takes what is before the `@`, `email` the whole address, `none` maps nobody.
         */
        fromEmail?: 'local-part' | 'email' | 'none';
        /** Only addresses in these domains are mapped (default: any domain). */
        emailDomains?: string[];
      };
    };
  };
}
