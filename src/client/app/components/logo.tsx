/**
 * Keypulse's mark: a pulse line on a rounded tile, the same drawing as the favicon. Colours come from the
 * stylesheet (.logo-tile, .logo-pulse), so the mark follows the light and dark themes; decorative, since the
 * word "Keypulse" always stands beside it.
 */
export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg class="logo-mark" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect class="logo-tile" width="32" height="32" rx="7" />
      <path class="logo-pulse" d="M4 17h6l3-7 5 14 3-7h7" fill="none" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
