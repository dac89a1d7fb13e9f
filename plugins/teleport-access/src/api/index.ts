export { teleportAccessApiRef } from './TeleportAccessApi';
export type { TeleportAccessApi } from './TeleportAccessApi';
export { TeleportAccessClient } from './TeleportAccessClient';
