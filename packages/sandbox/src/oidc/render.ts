import type { OidcUser } from './store';

function escape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem;
         border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  p { color: #555; margin: .25rem 0 1.25rem; }
  form button { display: block; width: 100%; text-align: left; margin: .5rem 0; padding: .75rem 1rem;
                border: 1px solid #ccd; border-radius: 6px; background: #fafbff; cursor: pointer; font: inherit; }
  form button:hover { background: #eef1ff; }
  .name { font-weight: 600; display: block; }
  .detail { color: #555; font-size: .9rem; }
  button.cancel { text-align: center; background: #fff; color: #555; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** The "pick a demo user" page: one button per person, and cancel. */
export function renderPicker(opts: {
  requestId: string;
  clientName: string;
  users: OidcUser[];
  action: string;
}): string {
  const buttons = opts.users
    .map(
      u => `<button type="submit" name="user" value="${escape(u.sub)}">
  <span class="name">${escape(u.name)}</span>
  <span class="detail">${escape(u.email)}${
        u.groups?.length ? ` · ${escape(u.groups.join(', '))}` : ''
      }</span></button>`,
    )
    .join('\n');
  return page(
    'Sign in — Groundcrew sandbox identity provider',
    `<h1>Sign in to ${escape(opts.clientName)}</h1>
<p>Groundcrew sandbox identity provider: pick a demo user. No password; this stands in for Dex.</p>
<form method="post" action="${escape(opts.action)}">
<input type="hidden" name="req" value="${escape(opts.requestId)}">
${buttons}
<button type="submit" name="cancel" value="1" class="cancel">Cancel</button>
</form>`,
  );
}

export function renderProblem(title: string, message: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}
