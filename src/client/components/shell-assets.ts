/** The hashed URLs of the server-rendered pages' stylesheet and of the icon every page links to. */
export interface ShellAssets {
  style: string;
  icon: string;
}

/**
 * Set by the server once the browser files are loaded (client-assets.ts), which starts when the app is assembled.
 * Until then pages link to the stable names, which redirect to the hashed files.
 */
export let shellAssets: ShellAssets = { style: '/assets/base.css', icon: '/assets/favicon.svg' };

export function setShellAssets(assets: ShellAssets): void {
  shellAssets = assets;
}
