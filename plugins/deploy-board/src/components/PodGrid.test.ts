import { syntheticBoard } from '../testing/syntheticBoard';
import { podSquaresHtml } from './PodGrid';

describe('podSquaresHtml', () => {
  it('renders one escaped square per pod', () => {
    const pods = syntheticBoard({ pods: 4, environments: ['production'] })
      .environments[0].stages[0].tracks[0].deployments[0].pods;
    pods[0] = { ...pods[0], name: 'evil"><img src=x onerror=alert(1)>' };
    const root = document.createElement('div');
    root.innerHTML = podSquaresHtml(pods, ':r1:');
    const squares = root.querySelectorAll('[data-pod]');
    expect(squares).toHaveLength(pods.length);
    expect(root.querySelector('img')).toBeNull();
    expect(squares[0].getAttribute('aria-label')).toBe(
      'evil"><img src=x onerror=alert(1)>: ready',
    );
    expect(squares[1].id).toBe(':r1:-1');
    expect(squares[1].getAttribute('data-pod-state')).toBe(pods[1].state);
  });
});
