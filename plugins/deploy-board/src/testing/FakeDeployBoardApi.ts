import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { DeployBoard } from '@groundcrew/plugin-infra-common';
import { DeployBoardApi, StreamBoardOptions } from '../api';

/** A test double of our own API: answers getBoard and lets a test push boards down the stream. */
export class FakeDeployBoardApi implements DeployBoardApi {
  readonly requested: string[] = [];
  private stream?: StreamBoardOptions;

  constructor(private readonly answer: () => Promise<DeployBoard>) {}

  getBoard(entityRef: CompoundEntityRef | string): Promise<DeployBoard> {
    this.requested.push(
      typeof entityRef === 'string' ? entityRef : entityRef.name,
    );
    return this.answer();
  }

  streamBoard(
    _entityRef: CompoundEntityRef | string,
    options: StreamBoardOptions,
  ): Promise<void> {
    this.stream = options;
    options.onOpen?.();
    return new Promise(resolve =>
      options.signal.addEventListener('abort', () => resolve()),
    );
  }

  get streamOptions() {
    return this.stream;
  }

  /** Sends a board down the stream; wrap in `act`. */
  push(board: DeployBoard) {
    this.stream!.onBoard(board);
  }

  /** Reports a stream failure; wrap in `act`. */
  fail(error: Error, retryInMs?: number) {
    this.stream!.onError?.(error, { retryInMs });
  }
}

export const testEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-gateway',
    namespace: 'default',
    annotations: { 'groundcrew.io/runway-service': 'ai-gateway' },
  },
  spec: { type: 'service', owner: 'team-ai', lifecycle: 'production' },
};
