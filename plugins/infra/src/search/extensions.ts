import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import { INFRA_SEARCH_TYPE } from '@groundcrew/plugin-infra-common';
import { infraPlugin } from '../plugin';

/**
 * The search result list item of Groundcrew's infrastructure documents (type `groundcrew-infra`),
 * for `<SearchResult>` on the search page: an icon per kind and key facts.
 *
 * @public
 */
export const InfraSearchResultListItemExtension = infraPlugin.provide(
  createSearchResultListItemExtension({
    name: 'InfraSearchResultListItem',
    component: () =>
      import('./InfraSearchResultListItem').then(
        m => m.InfraSearchResultListItem,
      ),
    predicate: result => result.type === INFRA_SEARCH_TYPE,
  }),
);
