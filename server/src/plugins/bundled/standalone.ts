// `node dist/provider.js --provider <scheme>`: a bundled provider as a
// stand-alone stdio plugin speaking provider-protocol.md (line-delimited
// JSON, `hello` first), so each bundled provider doubles as a reference plugin.
import * as readline from 'node:readline';
import type { BundledProvider, BundledSession, HelloRequest, OpRequest, OpResponse } from '../types';
import { bundledProviders } from './index';

const PROTOCOL_VERSION = 1;

type Reply = OpResponse | { ok: true; protocol_version: number; name: string; capabilities: string[] };

function fail(kind: string, message: string): Reply {
  return { ok: false, error: { kind, message } };
}

function schemeArgument(argv: string[]): string | undefined {
  const i = argv.indexOf('--provider');
  if (i !== -1) return argv[i + 1];
  return argv.find((a) => a.startsWith('--provider='))?.slice('--provider='.length);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class StdioPlugin {
  private session: BundledSession | undefined;
  finished = false;

  constructor(
    private readonly provider: BundledProvider,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async hello(message: Record<string, unknown>): Promise<Reply> {
    if (this.session) return fail('invalid_request', 'hello was already answered in this session');
    const hostVersion = typeof message.protocol_version === 'number' ? message.protocol_version : Number(this.env.SECRETSPEC_PROTOCOL_VERSION);
    if (!Number.isInteger(hostVersion) || hostVersion < PROTOCOL_VERSION) {
      this.finished = true;
      return fail('unsupported_version', `this plugin speaks protocol version ${PROTOCOL_VERSION}; the host offered ${String(message.protocol_version)}`);
    }
    const uri = typeof message.uri === 'string' ? message.uri : this.env.SECRETSPEC_PROVIDER_URI;
    if (uri === undefined || uri === '') return fail('invalid_request', 'hello needs a provider uri (field `uri` or SECRETSPEC_PROVIDER_URI)');
    const scheme = uri.split(':')[0];
    if (scheme !== this.provider.scheme) {
      return fail('invalid_request', `this plugin serves '${this.provider.scheme}' URIs, not '${scheme?.slice(0, 40)}'`);
    }
    const configFile = typeof message.config_file === 'string' ? message.config_file : message.config_file === null ? null : (this.env.SECRETSPEC_FILE ?? null);
    const context: Record<string, string> = {};
    if (isRecord(message.context)) for (const [k, v] of Object.entries(message.context)) if (typeof v === 'string') context[k] = v;
    const hello: HelloRequest = { op: 'hello', protocol_version: PROTOCOL_VERSION, uri, config_file: configFile, context };
    const opened = await this.provider.open(hello, this.env);
    if ('ok' in opened) return opened;
    this.session = opened;
    return { ok: true, protocol_version: PROTOCOL_VERSION, name: opened.name, capabilities: [...opened.capabilities] };
  }

  async answer(line: string): Promise<Reply> {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return fail('invalid_request', 'a request line is not valid JSON');
    }
    if (!isRecord(message) || typeof message.op !== 'string') return fail('invalid_request', 'a request must be a JSON object with an "op" field');
    if (message.op === 'hello') return this.hello(message);
    if (!this.session) return fail('invalid_request', `'${message.op.slice(0, 40)}' before hello: the first request of a session must be hello`);
    if (message.op === 'bye') {
      this.finished = true;
      return { ok: true };
    }
    return this.session.handle(message as Exclude<OpRequest, { op: 'bye' }>);
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }
}

function write(reply: Reply): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(JSON.stringify(reply) + '\n')) resolve();
    else process.stdout.once('drain', resolve);
  });
}

async function main(): Promise<void> {
  const scheme = schemeArgument(process.argv.slice(2));
  const provider = scheme === undefined ? undefined : bundledProviders().get(scheme);
  if (!provider) {
    process.stderr.write(`usage: secretspec-provider --provider <${[...bundledProviders().keys()].join('|')}>\n`);
    process.exitCode = 2;
    return;
  }
  const plugin = new StdioPlugin(provider, process.env);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  // One request at a time, answered in order (§3: no pipelining).
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let reply: Reply;
    try {
      reply = await plugin.answer(line);
    } catch {
      reply = fail('internal', `the ${provider.scheme} provider failed unexpectedly`);
    }
    await write(reply);
    if (plugin.finished) break;
  }
  lines.close();
  await plugin.close();
  process.exit(0);
}

void main();
