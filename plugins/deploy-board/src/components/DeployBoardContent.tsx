import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Progress } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { BoardErrorPanel } from './BoardErrorPanel';
import { DeployBoardView } from './DeployBoardView';
import { useDeployBoard } from './useDeployBoard';

/** The entity tab. */
export function DeployBoardContent() {
  const { entity } = useEntity();
  const { loading, board, error, live } = useDeployBoard(
    getCompoundEntityRef(entity),
  );

  if (board) return <DeployBoardView board={board} live={live} />;
  if (error) return <BoardErrorPanel error={error} />;
  if (loading) return <Progress />;
  return null;
}
