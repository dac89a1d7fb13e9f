import { Fragment } from 'react';

/** Terms and their values as a `<dl>`, the shape of the pod tooltip and of the selector. */
export function DefinitionList(props: {
  rows: Array<[string, string]>;
  className?: string;
  'aria-label'?: string;
}) {
  return (
    <dl className={props.className} aria-label={props['aria-label']}>
      {props.rows.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
