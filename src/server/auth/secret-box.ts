import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals credentials the server must use again later — a Slack or Teams incoming-webhook URL, a webhook signing
 * secret, a CRM access token — so a copy of the database alone does not hand them out. AES-256-GCM, keyed from the
 * server secret (KEYPULSE_SECRET or the secret file, link-secret.ts: never in the database) through HKDF with a
 * purpose of its own, so the key is not the one links are signed with.
 *
 * Sealed form: `v1.<iv>.<ciphertext+tag>`, base64url. Unsealing something tampered with, or sealed under another
 * secret, throws.
 */
export interface SecretBox {
  seal(plain: string): string;
  unseal(sealed: string): string;
}

const VERSION = 'v1';

export function createSecretBox(serverSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, '', 'keypulse secret box v1', 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    unseal(sealed) {
      const [version, ivText, bodyText] = sealed.split('.');
      if (version !== VERSION || !ivText || !bodyText) throw new Error('not a sealed secret');
      const body = Buffer.from(bodyText, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}
