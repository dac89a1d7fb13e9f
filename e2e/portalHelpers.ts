import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, Page } from '@playwright/test';
import { KubeConfig } from '@kubernetes/client-node';

/** The portal that `globalSetup` started, on ports chosen at run time. */
export const appUrl = () => process.env.GROUNDCREW_E2E_APP_URL!;
export const backendUrl = () => process.env.GROUNDCREW_E2E_BACKEND_URL!;

/** Opens `pathname` and signs in as the guest (user:default/demo) with the sign-in page's "Enter". */
export async function signInAsGuestAt(page: Page, pathname: string) {
  // Guest sign-in needs the backend, which may still be initialising its plugins.
  await expect
    .poll(
      async () =>
        (
          await fetch(`${backendUrl()}/.backstage/health/v1/readiness`)
        ).status,
      { timeout: 120_000 },
    )
    .toBe(200);
  await page.goto(`${appUrl()}${pathname}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}

/** The guest's token, to ask the backend what the UI does not show. */
export async function guestToken(): Promise<string> {
  const res = await fetch(`${backendUrl()}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.ok).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

/** An rjsf select (a Material UI TextField with `select`): open it by its label, pick an option. */
export async function pick(page: Page, label: string, option: string | RegExp) {
  await page.getByRole('button', { name: new RegExp(`^${label}`) }).click();
  await page
    .getByRole('option', { name: option, exact: typeof option === 'string' })
    .click();
  await expect(page.getByRole('listbox')).toHaveCount(0);
}

/**
 * A KubeConfig for a cluster of the sandbox the portal runs against (its `clusters.json` and CA),
 * for the real Kubernetes client to change things as kubectl would.
 */
export function sandboxKubeConfig(cluster: string): KubeConfig {
  const dir = process.env.GROUNDCREW_E2E_SANDBOX_DIR!;
  const state = JSON.parse(
    readFileSync(path.join(dir, 'clusters.json'), 'utf8'),
  );
  const c = state.kubernetes.find((x: { name: string }) => x.name === cluster);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster,
        server: c.url,
        caFile: state.caFile,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: cluster, token: c.token }],
    contexts: [{ name: cluster, cluster, user: cluster }],
    currentContext: cluster,
  });
  return kc;
}
