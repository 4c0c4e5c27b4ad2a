// `sops`: one SOPS-encrypted document, secrets nested by project and profile.
import { comparablePath, defineScheme, hasUnbalancedBraces, placeholdersOf } from '../scheme';
import { queryValue, type ProviderUrl } from '../uri';

const OPTIONS = [
  'age_key_cmd',
  'age_key_file',
  'age_recipients',
  'age_ssh_private_key_cmd',
  'age_ssh_private_key_file',
  'kms_arn',
  'aws_profile',
  'aws_access_key_id',
  'aws_region',
  'azure_client_id',
  'azure_tenant_id',
  'azure_keyvault_urls',
  'gcp_kms_client_type',
  'gcp_kms_endpoint',
  'gcp_kms_ids',
  'gcp_kms_universe_domain',
  'pgp_fp',
  'gpg_exec',
  'hc_vault_addr',
  'hc_vault_allowlist',
  'huawei_sdk_project_id',
  'huawei_kms_ids',
  'sops_decryption_order',
  'sops_editor',
  'sops_enable_local_keyservice',
  'sops_keyservice',
  'sops_config',
];
const FORMATS = ['yaml', 'yml', 'json', 'env', 'dotenv', 'ini'];

/** The document's path: `localhost` as the host means none. */
function documentPath(url: ProviderUrl): string {
  return (url.host === 'localhost' ? '' : url.host) + url.path;
}

function formatFromPath(path: string): string | undefined {
  const base = (path.split('/').pop() ?? '').replace(/\.enc$/, '');
  if (/^\.env(\.|$)/.test(base)) return 'dotenv';
  const dot = base.lastIndexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'json') return 'json';
  if (ext === 'env' || ext === 'dotenv') return 'dotenv';
  if (ext === 'ini') return 'ini';
  return undefined;
}

export const sops = defineScheme('sops', {
  shapes: { sops: { shape: 'sops://[PATH][?format=yaml|json|env|ini]', snippet: 'sops://${1:secrets.enc.yaml}' } },
  credentialNames: ['age_key', 'aws_secret_access_key', 'azure_client_secret', 'hc_vault_token', 'huawei_sdk_ak', 'huawei_sdk_sk', 'google_oauth_access_token'],
  pathInAuthority: true,
  grammar(url, issues) {
    for (const [key] of url.query) {
      if (key !== 'format' && !OPTIONS.includes(key)) {
        issues.add('unknown-query-parameter', `Invalid query parameter: ${key}`, { parameter: key });
        return;
      }
    }
    const path = documentPath(url) || 'secrets.enc.yaml';
    if (/[{}]/.test(path)) {
      const placeholders = placeholdersOf(path);
      const unknown = placeholders.find((p) => p !== 'project' && p !== 'profile');
      if (hasUnbalancedBraces(path) || unknown !== undefined) {
        issues.add('invalid-template', `Invalid SOPS path template '${path}': only {project} and {profile} placeholders are allowed`);
        return;
      }
      const missing = ['project', 'profile'].filter((p) => !placeholders.includes(p));
      if (missing.length > 0) {
        issues.add(
          'invalid-template',
          `Invalid SOPS path template '${path}': a templated path must contain both {project} and {profile} (missing ${missing.map((m) => `{${m}}`).join(' and ')})`,
        );
        return;
      }
    }
    const format = queryValue(url, 'format');
    if (format !== undefined) {
      if (!FORMATS.includes(format)) {
        issues.add('invalid-query-value', `Invalid SOPS format '${format}'. Expected yaml, yml, json, env, dotenv, or ini.`, { parameter: 'format' });
      } else if (format === 'ini' && formatFromPath(path) !== 'ini') {
        issues.add('invalid-query-value', `?format=ini requires an .ini file, but '${path}' is not one`, { parameter: 'format' });
      }
      return;
    }
    if (formatFromPath(path) === undefined) {
      issues.add('invalid-query-value', `cannot infer SOPS format from '${path}': name the file .yaml, .json, .env or .ini, or add ?format=yaml|json|dotenv|ini`, { parameter: 'format' });
    }
  },
  identity: (url) => `sops:${comparablePath(documentPath(url) || 'secrets.enc.yaml')}`,
  address: (url, at) => `\`[${at.project}][${at.profile}][${at.key}]\` in \`${documentPath(url) || 'secrets.enc.yaml'}\``,
});
