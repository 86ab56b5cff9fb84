// A secured NATS: user and password, a token, an NKey, TLS with the servers' CA and mutual
// TLS, each against a real nats-server configured so; wrong or missing credentials stop
// start-up with an error naming what to set.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nkeys } from '@nats-io/nats-core';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { removeTempDir, tempDir } from '../testing/temp-dir';
import { makeCertificates } from '../testing/tls';
import { ev } from '../testing/events';
import { createNatsBus } from './nats';
import { natsConnectOptions, type NatsAuth } from './nats-connect';

const dir = tempDir('cashtrace-nats-auth-');
const servers: NatsServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  removeTempDir(dir);
});

async function server(config: string): Promise<NatsServer> {
  const s = await startNatsServer({ config });
  servers.push(s);
  return s;
}

/** Connects a bus with `auth`, publishes one event through JetStream and closes. */
async function publishes(url: string, auth: NatsAuth): Promise<void> {
  const bus = await createNatsBus(url, `auth${servers.length}`, { auth });
  try {
    const r = await bus.publishEvents([ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: `INV-AUTH-${Math.random()}` })]);
    expect(r.accepted).toBe(1);
  } finally {
    await bus.close();
  }
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A NATS JWT (as nsc issues them): `signer` vouches for `subject`. */
function jwt(signer: nkeys.KeyPair, subject: string, nats: Record<string, unknown>): string {
  const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
  const claims: Record<string, unknown> = { iat: Math.floor(Date.now() / 1000), iss: signer.getPublicKey(), name: subject.slice(0, 8), sub: subject, nats: { ...nats, version: 2 } };
  claims.jti = crypto.createHash('sha256').update(JSON.stringify(claims)).digest('base64url');
  const signed = `${b64u(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }))}.${b64u(JSON.stringify(claims))}`;
  return `${signed}.${b64u(signer.sign(new TextEncoder().encode(signed)))}`;
}

/** Operator mode: an operator, its system account and an account with JetStream; `creds(account)` writes a user's .creds file. */
function operatorMode() {
  const operator = nkeys.createOperator();
  const system = nkeys.createAccount();
  const account = nkeys.createAccount();
  const unlimited = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
  const config = [
    `operator: ${jwt(operator, operator.getPublicKey(), { type: 'operator', system_account: system.getPublicKey() })}`,
    'resolver: MEMORY',
    `system_account: ${system.getPublicKey()}`,
    `resolver_preload: { ${system.getPublicKey()}: ${jwt(operator, system.getPublicKey(), { type: 'account', limits: unlimited })}, ${account.getPublicKey()}: ${jwt(operator, account.getPublicKey(), { type: 'account', limits: { ...unlimited, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } })} }`,
  ].join('\n');
  const creds = (name: string, signer: nkeys.KeyPair) => {
    const user = nkeys.createUser();
    const userJwt = jwt(signer, user.getPublicKey(), { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
    return write(name, `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(user.getSeed())}\n------END USER NKEY SEED------\n`);
  };
  return { config, userCreds: creds('user.creds', account), strangerCreds: creds('stranger.creds', nkeys.createAccount()) };
}

describe('NATS with credentials', () => {
  it('user and password', async () => {
    const s = await server('authorization { users: [ { user: "cashtrace", password: "s3cret-pw" } ] }');
    await publishes(s.url, { user: 'cashtrace', password: 's3cret-pw' });
    await expect(createNatsBus(s.url, 'authx', { auth: { user: 'cashtrace', password: 'wrong' } })).rejects.toThrow(/cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: .*(check NATS_USER)/i);
    await expect(createNatsBus(s.url, 'authx')).rejects.toThrow(/check NATS_USER/);
  });

  it('a token', async () => {
    const s = await server('authorization { token: "t0ken-0123456789" }');
    await publishes(s.url, { token: 't0ken-0123456789' });
    await expect(createNatsBus(s.url, 'authx', { auth: { token: 'other-token' } })).rejects.toThrow(/check NATS_USER \/ NATS_PASSWORD, NATS_TOKEN/);
  });

  it('an NKey seed file', async () => {
    const user = nkeys.createUser();
    const s = await server(`authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`);
    const seedFile = write('user.nk', `${new TextDecoder().decode(user.getSeed())}\n`);
    await publishes(s.url, { nkeySeedFile: seedFile });
    const other = write('other.nk', new TextDecoder().decode(nkeys.createUser().getSeed()));
    await expect(createNatsBus(s.url, 'authx', { auth: { nkeySeedFile: other } })).rejects.toThrow(/NATS_NKEY_SEED/);
  });

  // a client without a certificate is dropped unanswered by a server that verifies clients: the connect times out (10 s)
  it('a .creds file (operator mode: a user JWT signed by its account, the account by the operator)', async () => {
    const op = operatorMode();
    const s = await server(op.config);
    await publishes(s.url, { credsFile: op.userCreds });
    await expect(createNatsBus(s.url, 'authx', { auth: { credsFile: op.strangerCreds } })).rejects.toThrow(/NATS_CREDS/);
  });

  it('TLS with the servers’ CA, and mutual TLS with a client certificate', { timeout: 30_000 }, async () => {
    const c = makeCertificates(dir);
    const tls = await server(`tls { cert_file: "${c.serverCert}", key_file: "${c.serverKey}" }`);
    await publishes(tls.url, { tlsCaFile: c.ca });
    await expect(createNatsBus(tls.url, 'authx')).rejects.toThrow(/cannot connect to NATS.*check NATS_TLS_CA/);
    const mutual = await server(`tls { cert_file: "${c.serverCert}", key_file: "${c.serverKey}", ca_file: "${c.ca}", verify: true }`);
    await publishes(mutual.url, { tlsCaFile: c.ca, tlsCertFile: c.clientCert, tlsKeyFile: c.clientKey });
    await expect(createNatsBus(mutual.url, 'authx', { auth: { tlsCaFile: c.ca } })).rejects.toThrow(/cannot connect to NATS.*set NATS_TLS_CERT \/ NATS_TLS_KEY/);
  });

  it('stops on configuration that cannot work, naming the variables', () => {
    expect(() => natsConnectOptions('nats://x:4222', { user: 'a' })).toThrow('NATS_USER and NATS_PASSWORD go together');
    expect(() => natsConnectOptions('nats://x:4222', { user: 'a', password: 'b', token: 'c' })).toThrow('set one way to authenticate to NATS, not NATS_USER and NATS_TOKEN');
    expect(() => natsConnectOptions('nats://x:4222', { credsFile: '/nonexistent/user.creds' })).toThrow(/^NATS_CREDS: cannot read \/nonexistent\/user\.creds/);
    expect(() => natsConnectOptions('nats://x:4222', { nkeySeedFile: write('bad.nk', 'not a seed') })).toThrow(/does not hold a user NKey seed/);
    expect(() => natsConnectOptions('nats://x:4222', { tlsCertFile: '/a.pem' })).toThrow('NATS_TLS_CERT and NATS_TLS_KEY go together');
    expect(natsConnectOptions('nats://a:4222, nats://b:4222').servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(natsConnectOptions('tls://a:4222').tls).toEqual({});
  });
});
