export {
  InfraSearchResultListItem,
  INFRA_KIND_DISPLAY,
  infraFacts,
} from './InfraSearchResultListItem';
export type { InfraSearchResultListItemProps } from './InfraSearchResultListItem';
