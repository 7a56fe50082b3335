/**
 * The one place that hides secrets before text is printed, logged or stored: credentials in URLs
 * (`https://bot:***@host/repo.git`) and tokens in query strings (`?access_token=***`).
 */

const MASK = '***';

// `scheme://user:password@` and `scheme://token@` (a lone user part of an http(s) URL is usually a token).
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:'"]*)(?::([^\s/?#@'"]*))?@/gi;
const SECRET_QUERY = /([?&](?:access_token|private_token|token|auth|password|passwd|secret|key|api_key|apikey|sig|signature)=)[^&#\s'"]*/gi;
// Hosts of git over ssh (`git@host:org/repo`) name a user, not a secret: only schemes that carry a password are masked as user-only.
const USER_ONLY_IS_SECRET = /^(https?|ftps?):\/\/$/i;

/** A URL (or `user:password@host`) with its password, a token user and secret query values masked. */
export function redactUrl(url: string): string {
  const masked = redactSecrets(url);
  // No scheme: `user:password@host:port` (what `--registry` might be given).
  return /^[^\s/@:]+:[^\s/@]+@/.test(masked) ? masked.replace(/^([^\s/@:]+):[^\s/@]+@/, `$1:${MASK}@`) : masked;
}

/** Free text (git's stderr, an error message) with every URL credential and secret query value masked. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(URL_CREDENTIALS, (_whole, scheme: string, user: string, password: string | undefined) => {
      if (password !== undefined) return `${scheme}${user}:${MASK}@`;
      return USER_ONLY_IS_SECRET.test(scheme) && user !== '' ? `${scheme}${MASK}@` : `${scheme}${user}@`;
    })
    .replace(SECRET_QUERY, `$1${MASK}`);
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(MASK);
  return out;
}

/** The secret parts of a URL (password, token user, secret query values), raw and percent-decoded: what `redactSecrets` must also hide where they appear on their own. */
export function secretsOf(url: string): string[] {
  const found: string[] = [];
  const credentials = /^[a-z][a-z0-9+.-]*:\/\/([^\s/?#@:]*)(?::([^\s/?#@]*))?@/i.exec(url);
  if (credentials?.[2]) found.push(credentials[2]);
  else if (credentials?.[1] && /^(https?|ftps?):/i.test(url)) found.push(credentials[1]);
  for (const match of url.matchAll(new RegExp(SECRET_QUERY.source, 'gi'))) found.push(match[0].slice(match[1]!.length));
  return found.flatMap((s) => {
    let decoded = s;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      // Not percent-encoded after all.
    }
    return decoded === s ? [s] : [s, decoded];
  }).filter((s) => s.length > 0);
}
