import {
  Children,
  Fragment,
  isValidElement,
  ReactElement,
  ReactNode,
} from 'react';
import { EntityLayout } from '@backstage/plugin-catalog';
import {
  EntityDeployBoardCard,
  EntityDeployBoardContent,
} from '@groundcrew/plugin-deploy-board';
import { entityPage } from './EntityPage';

/** The elements below a node: children, and the `element` of a route. */
function below(node: ReactNode): ReactElement[] {
  const out: ReactElement[] = [];
  Children.forEach(node, child => {
    if (!isValidElement(child)) return;
    out.push(child);
    const props = child.props as { children?: ReactNode; element?: ReactNode };
    out.push(...below(props.children), ...below(props.element));
  });
  return out;
}

/** An entity page's tabs: the EntityLayout.Route children of the layout, fragments flattened. */
function tabsOf(layout: ReactElement): ReactElement[] {
  const flat = (node: ReactNode): ReactElement[] =>
    Children.toArray(node).flatMap(child =>
      isValidElement(child) && child.type === Fragment
        ? flat((child.props as { children?: ReactNode }).children)
        : (child as ReactElement),
    );
  return flat((layout.props as { children?: ReactNode }).children).filter(
    tab => tab.type === EntityLayout.Route,
  );
}

describe('entityPage', () => {
  it('has the deploy board tab on every page that shows the deploy board card', () => {
    const layouts = below(entityPage).filter(e => e.type === EntityLayout);
    const withCard = layouts.filter(layout =>
      below(layout).some(e => e.type === EntityDeployBoardCard),
    );
    // Service, website and every other component type or kind.
    expect(withCard.length).toBeGreaterThanOrEqual(3);
    for (const layout of withCard) {
      const tab = tabsOf(layout).find(
        t => (t.props as { path: string }).path === '/deploy-board',
      );
      expect({
        tabs: tabsOf(layout).map(t => (t.props as { path: string }).path),
        hasBoard:
          !!tab && below(tab).some(e => e.type === EntityDeployBoardContent),
      }).toEqual(expect.objectContaining({ hasBoard: true }));
    }
  });
});
