// Static validation of one provider spec (providers-and-check.md A.3–A.7,
// manifest-rules.md 5.1): the factory gate, the URL parse, the password ban,
// then the scheme record's own grammar, or the generic grammar for a plugin
// scheme. Every message echoes the spec only in its redacted form.
import { builtinProvider } from './registry';
import { Issues, type SpecIssue } from './scheme';
import { FILE_WITHOUT_PATH_MESSAGE, fileWithoutPath } from './schemes/file';
import { hierarchicalPartOf, parseProviderUrl, percentDecode, PLUGIN_SCHEME_PATTERN, redactSpec, splitSpec } from './uri';

export interface CheckSpecOptions {
  /** Whether a plugin executable exists for a non-built-in scheme; omitted = don't check. */
  pluginInstalled?: (scheme: string) => boolean;
  /**
   * The served scheme (built in, or with a plugin or a claim) closest to one
   * nobody serves, for "did you mean"; omitted = don't guess. Asked only
   * then, since finding the installed ones reads directories.
   */
  closestScheme?: (scheme: string) => string | undefined;
}

const ONE_PASSWORD_MESSAGE = "Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)";

const PLUGIN_URI_MAX_CHARS = 1024;

/**
 * A.5 redaction, then also everything up to a remaining `@`: a password
 * holding `/` (`vault://u:pa/ss@h`) ends the authority early, so the URL
 * parser never sees it as userinfo, yet it is still a credential.
 */
function redactForMessage(spec: string): string {
  const shown = redactSpec(spec);
  const colon = shown.indexOf(':');
  const at = shown.lastIndexOf('@');
  if (colon < 0 || at < colon) return shown;
  const start = shown.startsWith('//', colon + 1) ? colon + 3 : colon + 1;
  return shown.slice(0, start) + shown.slice(at + 1);
}

export function checkProviderSpec(spec: string, options: CheckSpecOptions = {}): SpecIssue[] {
  const { scheme, rest } = splitSpec(spec);
  const issues = new Issues(spec, redactForMessage(spec));

  if (scheme === '1password') {
    issues.add('invalid-scheme-1password', ONE_PASSWORD_MESSAGE, issues.replacement(`onepassword${spec.slice(9)}`));
    return issues.list;
  }
  if (scheme === 'file' && fileWithoutPath(spec)) {
    issues.add('file-without-path', FILE_WITHOUT_PATH_MESSAGE, issues.replacement('file:./.secrets'));
    return issues.list;
  }
  const record = builtinProvider(scheme);
  if (!record) {
    if (PLUGIN_SCHEME_PATTERN.test(scheme)) checkPluginSpec(scheme, issues, options);
    else unknownProvider(scheme, rest, issues);
    return issues.list;
  }

  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) {
    invalidSpecification(parsed.reason, scheme, rest, record.pathInAuthority, issues);
    return issues.list;
  }
  if (parsed.url.hasPassword) {
    passwordInUri(scheme, issues);
    return issues.list;
  }
  record.grammar?.(parsed.url, issues, { rest, urlText: parsed.urlText });
  return issues.list;
}

function unknownProvider(scheme: string, rest: string, issues: Issues): void {
  const intended = scheme.trim().toLowerCase();
  const fix = builtinProvider(intended) && intended !== scheme ? intended : undefined;
  const help = fix ? `. Scheme names are exact and case-sensitive: did you mean '${fix}'?` : '';
  issues.add('unknown-provider', `Provider backend '${scheme}' not found${help}`, fix ? issues.replacement(`${fix}:${rest}`) : undefined);
}

function invalidSpecification(reason: string, scheme: string, rest: string, pathInAuthority: boolean, issues: Issues): void {
  let message = `Invalid provider specification '${issues.shown}': ${reason}`;
  let data: Record<string, unknown> | undefined;
  if (reason === 'invalid port number' && pathInAuthority) {
    const uriForm = rest.startsWith('//');
    const path = uriForm ? rest.slice(2) : rest;
    if (path !== '' && !path.startsWith('/') && !path.startsWith('./')) {
      const fixed = `${scheme}:${uriForm ? '//' : ''}./${path}`;
      data = issues.replacement(fixed);
      message += data
        ? `. Write '${fixed}' instead: the first segment of the path becomes the URI host, and a ':' in a host starts a port.`
        : ". Start the path with './': the first segment of the path becomes the URI host, and a ':' in a host starts a port.";
    }
  }
  issues.add('invalid-provider-uri', message, data);
}

function passwordInUri(scheme: string, issues: Issues): void {
  const provider = builtinProvider(scheme);
  let remedy: string;
  if (!provider) {
    remedy = 'See https://secretspec.dev/reference/provider-credentials/';
  } else if (provider.credentialNames.length > 0) {
    const names = provider.credentialNames.map((n) => `\`${n}\``).join(', ');
    remedy =
      `Supply it as the ${names} provider credential instead (\`secretspec config provider login <alias>\`, ` +
      `or \`credentials = { ... }\` on the alias), or use the provider's environment variable. ` +
      `See https://secretspec.dev/providers/${provider.name}/`;
  } else {
    remedy = `The ${provider.name} provider takes no credentials, so remove the userinfo from the URI. See https://secretspec.dev/providers/${provider.name}/`;
  }
  issues.add(
    'password-in-uri',
    `provider URI '${issues.shown}' carries a password. SecretSpec does not accept credentials in URIs: ` +
      `a URI reaches committed manifests, shell history, and CI logs, so a credential written there is already disclosed. ${remedy}`,
  );
}

/** Generic grammar for out-of-tree plugin URIs, plus the "is it installed" warning. */
function checkPluginSpec(scheme: string, issues: Issues, options: CheckSpecOptions): void {
  const { spec, shown } = issues;
  if (/%(?![0-9A-Fa-f]{2})/.test(spec)) {
    issues.add('invalid-percent-encoding', `Invalid provider specification '${shown}': every '%' must start a percent-escape of two hexadecimal digits (write %25 for a literal '%')`);
  }
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) {
    issues.add('invalid-provider-uri', `Invalid provider specification '${shown}': ${parsed.reason}`);
  } else if (parsed.url.hasPassword) {
    passwordInUri(scheme, issues);
  } else {
    const hierarchical = hierarchicalPartOf(parsed.urlText).slice(scheme.length + 3);
    if (hierarchical.split('/').some((segment) => percentDecode(segment) === '..')) {
      issues.add('dot-dot-segment', `Invalid provider specification '${shown}': a '..' path segment is not allowed in a plugin provider URI`);
    }
  }
  const length = [...percentDecode(spec)].length;
  if (length > PLUGIN_URI_MAX_CHARS) {
    issues.add('uri-too-long', `Invalid provider specification: the URI is ${length} characters long after percent-decoding; plugin provider URIs are limited to 1,024`);
  }
  if (options.pluginInstalled && !options.pluginInstalled(scheme)) {
    // A scheme nobody serves is more often a typo of one that is served than a plugin still to install.
    const close = options.closestScheme?.(scheme);
    const fix = close ? issues.replacement(close + spec.slice(scheme.length)) : undefined;
    issues.add(
      'plugin-not-installed',
      `no plugin installed for scheme '${scheme}'${close ? `: did you mean '${close}'? Otherwise` : ':'} install secretspec-provider-${scheme} on PATH, or register it with a SecretSpec 0.21 provider claim providers.d/${scheme}.secretspec.json`,
      { scheme, ...(close ? { suggestion: close } : {}), ...fix },
    );
  }
}
