import * as client from 'openid-client';
import type { Config } from '../config.js';
import { verifiedEmail, type SsoClaims } from '../domain/sso.js';
import type { SsoFailure } from '../../shared/schemas/sso.js';

/**
 * The OpenID Connect relying party: authorization code flow with PKCE (S256), state and nonce, all checked by
 * openid-client (a certified relying-party library). Who the person is in Keypulse is decided elsewhere
 * (services/sso-users.ts); this file only proves what the provider says about them.
 */

export type OidcConfig = NonNullable<Config['oidc']>;

export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
const SCOPE = 'openid email profile';

/** What the browser keeps between the start and the callback: in its own short-lived cookie, not in server memory. */
export interface SsoFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface SsoIdentity {
  issuer: string;
  subject: string;
  claims: SsoClaims;
}

export type SsoResult = { ok: true; identity: SsoIdentity } | { ok: false; reason: SsoFailure; error?: string };

/** The provider could not be used at all (discovery failed or is refused); the sign-in cannot start. */
export class SsoUnavailableError extends Error {}

const discovered = new Map<string, Promise<client.Configuration>>();

/**
 * The provider's metadata, discovered once per process and kept. A failed discovery (provider down, network)
 * is forgotten, so the next sign-in tries again instead of failing until a restart.
 */
export function getProvider(oidc: OidcConfig): Promise<client.Configuration> {
  const key = JSON.stringify([oidc.issuer, oidc.clientId, oidc.clientSecret]);
  let found = discovered.get(key);
  if (!found) {
    const attempt = discover(oidc);
    discovered.set(key, attempt);
    attempt.catch(() => {
      if (discovered.get(key) === attempt) discovered.delete(key);
    });
    found = attempt;
  }
  return found;
}

const isLoopback = (hostname: string) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** https, or plain http on this machine only. */
const acceptable = (url: string | undefined) => {
  if (url === undefined) return true;
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || (protocol === 'http:' && isLoopback(hostname));
};

async function discover(oidc: OidcConfig): Promise<client.Configuration> {
  const issuer = new URL(oidc.issuer);
  // Plain http is allowed only on a loopback host: for the tests' in-process provider and a Keycloak on the
  // same machine. Anywhere else the tokens and the provider's keys would cross a network unprotected.
  const insecure = issuer.protocol === 'http:';
  if (!acceptable(issuer.href)) {
    throw new SsoUnavailableError('KEYPULSE_OIDC_ISSUER must be an https URL (plain http only on localhost / 127.0.0.1)');
  }
  const config = await client.discovery(issuer, oidc.clientId, oidc.clientSecret ?? undefined, clientAuth(oidc.clientSecret), {
    timeout: 10,
    execute: insecure ? [client.allowInsecureRequests] : [],
  });
  if (insecure) {
    const meta = config.serverMetadata();
    const endpoints = [meta.authorization_endpoint, meta.token_endpoint, meta.jwks_uri, meta.userinfo_endpoint];
    if (!endpoints.every(acceptable)) throw new SsoUnavailableError('the provider names plain-http endpoints outside this machine');
  }
  return config;
}

/**
 * client_secret_basic is OpenID Connect's default and what most providers expect for a confidential client;
 * a provider that lists only client_secret_post gets that. Without a secret the client is public (PKCE alone).
 */
function clientAuth(secret: string | null): client.ClientAuth {
  if (!secret) return client.None();
  const basic = client.ClientSecretBasic(secret);
  const post = client.ClientSecretPost(secret);
  return (as, metadata, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported;
    return (!methods || methods.includes('client_secret_basic') ? basic : post)(as, metadata, body, headers);
  };
}

/** The provider's sign-in address for this browser, and the secrets the callback must present again. */
export async function beginSsoSignIn(
  oidc: OidcConfig,
  publicUrl: string,
  returnTo: string,
): Promise<{ ok: true; url: URL; flow: SsoFlow } | { ok: false; reason: 'provider_unreachable'; error?: string }> {
  let provider: client.Configuration;
  try {
    provider = await getProvider(oidc);
  } catch (error) {
    return { ok: false, reason: 'provider_unreachable', error: errorCode(error) };
  }
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(provider, {
    redirect_uri: `${publicUrl}${OIDC_CALLBACK_PATH}`,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { ok: true, url, flow: { state, nonce, codeVerifier, returnTo } };
}

/**
 * Checks the provider's answer and redeems the code: state, PKCE verifier, the ID token's signature, issuer,
 * audience, lifetime and nonce. `callbackUrl` must be the public callback address (the redirect_uri sent at the
 * start), whatever address the request reached this process by.
 */
export async function finishSsoSignIn(oidc: OidcConfig, callbackUrl: URL, flow: SsoFlow): Promise<SsoResult> {
  let provider: client.Configuration;
  try {
    provider = await getProvider(oidc);
  } catch (error) {
    return { ok: false, reason: 'provider_unreachable', error: errorCode(error) };
  }
  // openid-client checks it too (expectedState below); checking first names the refusal precisely.
  if (callbackUrl.searchParams.get('state') !== flow.state) return { ok: false, reason: 'state_mismatch' };
  try {
    const tokens = await client.authorizationCodeGrant(provider, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    let claims: SsoClaims = idToken;
    // Providers that follow OpenID Connect Core to the letter (oidc-provider, some Okta set-ups) put scope
    // claims such as email only in UserInfo when an access token is issued; openid-client checks it is about
    // the same subject.
    if (!verifiedEmail(claims).ok && tokens.access_token && provider.serverMetadata().userinfo_endpoint) {
      claims = { ...idToken, ...(await client.fetchUserInfo(provider, tokens.access_token, idToken.sub)) };
    }
    return { ok: true, identity: { issuer: idToken.iss, subject: idToken.sub, claims } };
  } catch (error) {
    const reason = classify(error);
    if (!reason) throw error;
    return { ok: false, reason, error: errorCode(error) };
  }
}

function classify(error: unknown): SsoFailure | null {
  if (error instanceof client.AuthorizationResponseError) return 'provider_denied';
  // invalid_grant: the code was used already, expired, or was issued for another verifier or redirect.
  if (error instanceof client.ResponseBodyError) return error.error === 'invalid_grant' ? 'invalid_code' : 'invalid_response';
  if (error instanceof client.ClientError) {
    const unreachable = ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON'];
    return unreachable.includes(error.code ?? '') ? 'provider_unreachable' : 'invalid_response';
  }
  // fetch() failing to connect: a TypeError with the network error as its cause.
  if (error instanceof TypeError && error.cause) return 'provider_unreachable';
  return null;
}

/** A code for the logs and the audit log: never the provider's descriptions, which may echo request data. */
function errorCode(error: unknown): string | undefined {
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) return error.error.slice(0, 64);
  if (error instanceof client.ClientError) return error.code ?? 'client_error';
  if (error instanceof SsoUnavailableError) return error.message;
  if (error instanceof Error) return error.name;
  return undefined;
}
