import { Entity } from '@backstage/catalog-model';
import { isDeployBoardAvailable } from './isDeployBoardAvailable';

const entity = (annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ai-gateway', annotations },
  spec: {},
});

describe('isDeployBoardAvailable', () => {
  it.each([
    'groundcrew.io/runway-service',
    'backstage.io/kubernetes-id',
    'backstage.io/kubernetes-label-selector',
  ])('is true with %s', annotation => {
    expect(isDeployBoardAvailable(entity({ [annotation]: 'ai-gateway' }))).toBe(
      true,
    );
  });

  it('is false without them, or with only a namespace', () => {
    expect(isDeployBoardAvailable(entity())).toBe(false);
    expect(
      isDeployBoardAvailable(
        entity({ 'backstage.io/kubernetes-namespace': 'ai-gateway' }),
      ),
    ).toBe(false);
  });
});
