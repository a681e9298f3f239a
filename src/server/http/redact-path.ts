/**
 * Survey (/s/…), unsubscribe (/u/…), shared-plan (/p/…) and password-reset (?token=…) links are credentials: whoever reads one in a
 * log can answer as the customer, unsubscribe them or take over an account. So every path or URL that might be
 * logged goes through here, and the JSON logger passes every line through it as a last net.
 *
 * Works on a bare path, a whole URL or any text holding them (an error message, a stack): over-redacting a
 * log line costs nothing, missing a token does. Percent-encoded forms (`%2Fs%2F…`, `/%73/…`) count too,
 * because the router decodes them into the same route.
 */
const LINK_SEGMENT = /(\/|%2f)(s|u|p|%73|%75|%70)(\/|%2f)[^/?#\s"'<>\\&]+/gi;
/** Query parameters that carry secrets: token, reset_token, code (OIDC), secret, password, key… */
const SECRET_PARAM = /((?:[?&;]|%3f|%26)[\w.-]*(?:token|code|secret|password|key)[\w.-]*(?:=|%3d))[^&#\s"'<>\\]*/gi;

export const REDACTED = '[redacted]';

export function redactPath(text: string): string {
  return text.replace(LINK_SEGMENT, `$1$2$3${REDACTED}`).replace(SECRET_PARAM, `$1${REDACTED}`);
}
