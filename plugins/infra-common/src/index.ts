/**
 * Annotations, permissions and types shared by the Groundcrew frontend and backend plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './cluster';
export * from './board';
export * from './boardSchema';
export * from './boardStream';
export * from './jsonPatch';
export * from './gcp';
export * from './runway';
export * from './cloudRun';
export * from './traffic';
export * from './vaultSecrets';
export * from './teleportAccess';
export * from './infraOverview';
export * from './search';
