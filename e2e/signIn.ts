import { expect, Page } from '@playwright/test';

const appUrl = () => process.env.GROUNDCREW_E2E_APP_URL!;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Signs in as a person through single sign-on: opens `pathname` (when given), clicks "Sign In" on
 * the OIDC card of the sign-in page, picks the person by email on the sandbox provider's page in
 * the popup, and waits until the popup has closed and the portal shows its sidebar.
 */
export async function signInWithOidc(
  page: Page,
  email: string,
  options: { pathname?: string; screenshot?: string } = {},
): Promise<void> {
  if (options.pathname !== undefined) {
    await page.goto(`${appUrl()}${options.pathname}`);
  }
  const signIn = page.getByRole('button', { name: 'Sign In' });
  await expect(signIn).toBeVisible();
  const popupPromise = page.waitForEvent('popup');
  await signIn.click();
  const popup = await popupPromise;
  const person = popup.getByRole('button', {
    name: new RegExp(escapeRegExp(email)),
  });
  await expect(person).toBeVisible();
  if (options.screenshot) {
    await popup.screenshot({ path: options.screenshot });
  }
  const closed = popup.waitForEvent('close');
  await person.click();
  await closed;
  await expect(page.getByRole('button', { name: 'Sign In' })).toHaveCount(0);
}

/** Signs out from Settings (the menu of the profile card); the sign-in page shows again. */
export async function signOut(page: Page): Promise<void> {
  await page.goto(`${appUrl()}/settings`);
  await page.getByTestId('user-settings-menu').click();
  await page.getByTestId('sign-out').click();
  await expect(page.getByRole('button', { name: 'Sign In' })).toBeVisible();
}
