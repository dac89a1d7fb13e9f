import { runwayManifestJsonSchema } from './runwayManifestJsonSchema';
import { RUNWAY_MANIFEST_SCHEMA_ID } from './parseRunwayManifest';

describe('runwayManifestJsonSchema', () => {
  const schema = runwayManifestJsonSchema() as {
    $id: string;
    title: string;
    oneOf: Array<{
      properties: Record<string, any>;
      required: string[];
      additionalProperties: boolean;
    }>;
  };

  it('names itself and has one branch per kind', () => {
    expect(schema.$id).toBe(RUNWAY_MANIFEST_SCHEMA_ID);
    expect(schema.title).toBe('Runway service manifest');
    expect(schema.oneOf.map(branch => branch.properties.kind.const)).toEqual([
      'RunwayService',
      'RunwayKubernetesService',
    ]);
  });

  it('is closed, describes every field and leaves defaulted fields optional', () => {
    const [cloudRun] = schema.oneOf;
    expect(cloudRun.additionalProperties).toBe(false);
    expect(cloudRun.required).toEqual(['kind', 'metadata', 'spec']);
    const spec = cloudRun.properties.spec;
    expect(spec.additionalProperties).toBe(false);
    expect(spec.required).toEqual(['regions']);
    expect(spec.properties.container_port.default).toBe(8080);
    for (const [name, field] of Object.entries<any>(spec.properties)) {
      expect([name, typeof field.description]).toEqual([name, 'string']);
    }
    const variable = spec.properties.environment_variables.additionalProperties;
    expect(Object.keys(variable.properties)).toEqual(['value', 'vault']);
    expect(variable.additionalProperties).toBe(false);
  });
});
