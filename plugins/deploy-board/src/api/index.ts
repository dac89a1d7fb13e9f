export { deployBoardApiRef } from './DeployBoardApi';
export type { DeployBoardApi, StreamBoardOptions } from './DeployBoardApi';
export { DeployBoardClient } from './DeployBoardClient';
export type { DeployBoardClientOptions } from './DeployBoardClient';
export { SseParser } from './SseParser';
export type { SseEvent } from './SseParser';
