import { signal } from '@preact/signals';
import type { User } from '../../shared/schemas/user.js';

/** The id of the element the server puts the signed-in user in (JSON), so the app starts without a round trip. */
export const ME_ELEMENT_ID = 'kp-me';

/** Who is signed in, as the server embeds it in the app shell. */
export type SessionUser = Pick<User, 'id' | 'email' | 'name' | 'role'>;

/** The signed-in user, shared by every page (the server only serves the app to a signed-in user). */
export const currentUser = signal<SessionUser | null>(null);

export function readEmbeddedUser(): SessionUser | null {
  const element = document.getElementById(ME_ELEMENT_ID);
  if (!element?.textContent) return null;
  try {
    return JSON.parse(element.textContent) as SessionUser;
  } catch {
    return null;
  }
}

/** The id of the element holding facts about the installation (its currency, company name). */
export const INSTALLATION_ELEMENT_ID = 'kp-installation';
export interface Installation {
  currency: string;
  companyName: string;
}

export function readEmbeddedInstallation(): Installation | null {
  const text = document.getElementById(INSTALLATION_ELEMENT_ID)?.textContent;
  if (!text) return null;
  try {
    return JSON.parse(text) as Installation;
  } catch {
    return null;
  }
}

export const isAdmin = () => currentUser.value?.role === 'admin';
export const isExecutive = () => currentUser.value?.role === 'executive';
export const isManager = () => currentUser.value?.role === 'account_manager';
/** Executives read everything and change nothing; the UI hides what they may not do. */
export const canEdit = () => currentUser.value?.role !== 'executive';
