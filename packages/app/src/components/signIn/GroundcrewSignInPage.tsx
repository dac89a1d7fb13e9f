import { SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import { oidcAuthApiRef } from '../../apis';

/** Sign-in as a person, through the backend's OpenID Connect provider. */
const oidcProvider = {
  id: 'oidc',
  title: 'Single sign-on',
  message:
    'Sign in as yourself through the identity provider (under yarn start: the sandbox\'s "pick a demo user" page).',
  apiRef: oidcAuthApiRef,
};

/**
 * Both providers in development (guest stays for the sandbox); only single sign-on in production,
 * where the backend refuses guests. `auto` signs in again, silently, with the provider used last.
 */
export function GroundcrewSignInPage(props: SignInPageProps) {
  const environment =
    useApi(configApiRef).getOptionalString('auth.environment');
  return (
    <SignInPage
      {...props}
      auto
      providers={
        environment === 'production' ? [oidcProvider] : ['guest', oidcProvider]
      }
    />
  );
}
