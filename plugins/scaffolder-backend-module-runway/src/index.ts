/**
 * Scaffolder actions that validate a Runway manifest and turn up a Runway service.
 *
 * @packageDocumentation
 */
export {};
