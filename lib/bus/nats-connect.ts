// How Cashtrace connects to NATS: the servers of NATS_URL and, for a secured deployment,
// its credentials and TLS (NATS_USER / NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED,
// NATS_CREDS, NATS_TLS_CA / NATS_TLS_CERT / NATS_TLS_KEY). Files are read at start: a
// missing one stops start-up naming its variable.

import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Env } from '../env';
import { readConfigFile } from '../config-file';

export interface NatsAuth {
  user?: string;
  password?: string;
  token?: string;
  /** Path of an NKey seed file (`SU…`): the server knows the user by its public key. */
  nkeySeedFile?: string;
  /** Path of a `.creds` file (a user JWT and its NKey seed, as `nsc` issues them). */
  credsFile?: string;
  /** PEM of the CA that signed the servers' certificates (implies TLS). */
  tlsCaFile?: string;
  /** Client certificate and key (PEM) for servers that verify clients (mutual TLS). */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** How long start-up waits for a server's answer (the client's default is 20 s). */
const CONNECT_TIMEOUT_MS = 10_000;

/** The servers NATS_URL names (comma-separated). */
export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The connection options for `url` (servers comma-separated) and `auth`. */
export function natsConnectOptions(url: string, auth: NatsAuth = {}): ConnectionOptions {
  const servers = natsServers(url);
  const opts: ConnectionOptions = { servers, name: `cashtrace-${process.pid}`, maxReconnectAttempts: -1, timeout: CONNECT_TIMEOUT_MS };
  const ways = [auth.user !== undefined && 'NATS_USER', auth.token !== undefined && 'NATS_TOKEN', auth.nkeySeedFile && 'NATS_NKEY_SEED', auth.credsFile && 'NATS_CREDS'].filter(Boolean);
  if (ways.length > 1) throw new Error(`set one way to authenticate to NATS, not ${ways.join(' and ')}`);
  if ((auth.user === undefined) !== (auth.password === undefined)) throw new Error('NATS_USER and NATS_PASSWORD go together');
  if (auth.user !== undefined) {
    opts.user = auth.user;
    opts.pass = auth.password;
  }
  if (auth.token !== undefined) opts.token = auth.token;
  if (auth.nkeySeedFile) {
    const seed = new TextDecoder().decode(readConfigFile(auth.nkeySeedFile, 'NATS_NKEY_SEED')).trim();
    if (!/^SU[A-Z2-7]+$/.test(seed)) throw new Error(`NATS_NKEY_SEED: ${auth.nkeySeedFile} does not hold a user NKey seed (a line starting SU)`);
    opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (auth.credsFile) opts.authenticator = credsAuthenticator(readConfigFile(auth.credsFile, 'NATS_CREDS'));
  if ((auth.tlsCertFile === undefined) !== (auth.tlsKeyFile === undefined)) throw new Error('NATS_TLS_CERT and NATS_TLS_KEY go together');
  if (auth.tlsCaFile || auth.tlsCertFile || servers.some((s) => s.startsWith('tls://'))) {
    opts.tls = {
      ...(auth.tlsCaFile ? { ca: new TextDecoder().decode(readConfigFile(auth.tlsCaFile, 'NATS_TLS_CA')) } : {}),
      ...(auth.tlsCertFile ? { cert: new TextDecoder().decode(readConfigFile(auth.tlsCertFile, 'NATS_TLS_CERT')), key: new TextDecoder().decode(readConfigFile(auth.tlsKeyFile!, 'NATS_TLS_KEY')) } : {}),
    };
  }
  return opts;
}

/** Connects as `natsConnectOptions` says; a refused or unreachable server is an error naming what to check. */
export async function connectNats(url: string, auth: NatsAuth = {}): Promise<NatsConnection> {
  const opts = natsConnectOptions(url, auth);
  try {
    return await connect(opts);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const hint = /authori[sz]ation|authentication|permission/i.test(why)
      ? 'check NATS_USER / NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED or NATS_CREDS'
      : /tls|certificate|self.signed|handshake/i.test(why)
        ? 'check NATS_TLS_CA (the CA of the servers’ certificates) and NATS_TLS_CERT / NATS_TLS_KEY'
        : opts.tls && !auth.tlsCertFile
          ? 'is NATS_URL right and the server up? A server that verifies clients (mutual TLS) drops one without a certificate unanswered: set NATS_TLS_CERT / NATS_TLS_KEY'
          : 'is NATS_URL right and the server up?';
    throw new Error(`cannot connect to NATS at ${(opts.servers as string[]).join(',')}: ${why} (${hint})`);
  }
}

/** NATS_USER … NATS_TLS_KEY of the configuration. */
export function natsAuth(e: Env): NatsAuth {
  return {
    user: e.NATS_USER,
    password: e.NATS_PASSWORD,
    token: e.NATS_TOKEN,
    nkeySeedFile: e.NATS_NKEY_SEED,
    credsFile: e.NATS_CREDS,
    tlsCaFile: e.NATS_TLS_CA,
    tlsCertFile: e.NATS_TLS_CERT,
    tlsKeyFile: e.NATS_TLS_KEY,
  };
}
