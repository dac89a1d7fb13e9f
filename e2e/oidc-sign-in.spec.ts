import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { signInWithOidc, signOut } from './signIn';

const appUrl = () => process.env.GROUNDCREW_E2E_APP_URL!;
const shots = path.resolve(__dirname, '..', 'e2e-test-report', 'screenshots');

/** Settings shows who is signed in: profile (from the provider) and identity (from the catalog). */
async function expectSignedInAs(
  page: Page,
  person: { name: string; email: string; user: string; group: string },
) {
  await page.goto(`${appUrl()}/settings`);
  await expect(page.getByText(person.email)).toBeVisible();
  await expect(page.getByText(person.name).first()).toBeVisible();
  await expect(
    page.locator(`a[href$="/catalog/default/user/${person.user}"]`).first(),
  ).toBeVisible();
  await expect(
    page.locator(`a[href$="/catalog/default/group/${person.group}"]`).first(),
  ).toBeVisible();
}

test('two people sign in, one after the other, through the OIDC provider', async ({
  page,
}) => {
  await page.goto(`${appUrl()}/`);
  // Guest stays for development; single sign-on is beside it.
  await expect(page.getByRole('button', { name: 'Enter' })).toBeVisible();
  await expect(page.getByText('Single sign-on')).toBeVisible();
  await page.screenshot({ path: `${shots}/oidc-sign-in-page.png` });

  await signInWithOidc(page, 'casey@groundcrew.example', {
    screenshot: `${shots}/oidc-pick-user.png`,
  });
  await expectSignedInAs(page, {
    name: 'Casey Commerce',
    email: 'casey@groundcrew.example',
    user: 'casey',
    group: 'team-commerce',
  });
  await page.screenshot({
    path: `${shots}/oidc-settings-casey.png`,
    fullPage: true,
  });

  // A reload keeps casey signed in: the refresh token of the OIDC session, no page to pick from.
  await page.reload();
  await expect(page.getByText('casey@groundcrew.example')).toBeVisible();

  await signOut(page);
  await signInWithOidc(page, 'pat@groundcrew.example');
  await expectSignedInAs(page, {
    name: 'Pat Platform',
    email: 'pat@groundcrew.example',
    user: 'pat',
    group: 'platform',
  });
  await expect(page.getByText('casey@groundcrew.example')).toHaveCount(0);
  await page.screenshot({
    path: `${shots}/oidc-settings-pat.png`,
    fullPage: true,
  });
});
