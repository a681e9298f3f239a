import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';

describe('settings that only make sense together', () => {
  it('refuses half an SSO configuration instead of quietly running without SSO', () => {
    expect(() => loadConfig({ KEYPULSE_OIDC_ISSUER: 'https://idp.example.com' })).toThrow(/KEYPULSE_OIDC_CLIENT_ID: single sign-on needs both/);
    expect(() => loadConfig({ KEYPULSE_OIDC_CLIENT_ID: 'keypulse' })).toThrow(/needs both/);
  });

  it('refuses turning password sign-in off when nobody could sign in any other way', () => {
    expect(() => loadConfig({ KEYPULSE_PASSWORD_LOGIN: '0' })).toThrow(/KEYPULSE_PASSWORD_LOGIN/);
    const config = loadConfig({
      KEYPULSE_PASSWORD_LOGIN: '0',
      KEYPULSE_OIDC_ISSUER: 'https://idp.example.com',
      KEYPULSE_OIDC_CLIENT_ID: 'keypulse',
    });
    expect(config.passwordLogin).toBe(false);
    expect(config.oidc?.issuer).toBe('https://idp.example.com');
  });
});
