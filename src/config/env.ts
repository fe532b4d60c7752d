export type Environment = Readonly<Record<string, string | undefined>>;

export type Interpolated =
  | { readonly ok: true; readonly value: string; readonly substituted: boolean }
  | { readonly ok: false; readonly missing: readonly string[] };

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${VAR}` and `${VAR:-default}` (the default applies when VAR is unset or empty, as in
 * POSIX shells). An unset variable without a default is reported, never replaced by "".
 */
export function interpolate(text: string, env: Environment): Interpolated {
  const missing: string[] = [];
  let substituted = false;
  const value = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
    substituted = true;
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value, substituted };
}
