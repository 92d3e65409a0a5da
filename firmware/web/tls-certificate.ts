/**
 * The HTTPS certificate: a provisioned one when the data directory holds
 * web-https-provisioned.crt/.key, otherwise a self-signed one made at first
 * start and kept (web-https-self-signed.crt/.key), so the browser's warning
 * is accepted once, not after every reboot.
 *
 * Node 20's crypto can make keys and parse certificates but not issue an
 * X.509 certificate, so the self-signed one comes from `openssl req -x509`
 * (OpenSSL ≥ 1.1.1 for -addext). Without openssl, HTTPS stays off and the
 * error says how to provision a certificate instead.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface TlsMaterial {
  /** PEM */
  readonly cert: string;
  /** PEM */
  readonly key: string;
  readonly origin: 'provisioned' | 'self-signed';
  readonly certPath: string;
}

/** Runs a program to completion; rejects with its error (ENOENT when it is not installed). */
export type CommandRunner = (program: string, args: readonly string[]) => Promise<void>;

export const execFileRunner: CommandRunner = (program, args) =>
  new Promise((resolve, reject) => {
    execFile(program, [...args], { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) {
        // openssl explains itself on stderr; keep err itself, whose code says ENOENT when it is missing.
        if (stderr.trim() !== '') err.message = `${err.message}: ${stderr.trim()}`;
        reject(err instanceof Error ? err : new Error(String(err.message)));
      } else resolve();
    });
  });

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

export const PROVISIONED_NAMES = { cert: 'web-https-provisioned.crt', key: 'web-https-provisioned.key' } as const;
export const SELF_SIGNED_NAMES = { cert: 'web-https-self-signed.crt', key: 'web-https-self-signed.key' } as const;
/** Long enough to outlive the board; browsers warn about a self-signed certificate whatever its dates. */
const VALID_DAYS = 3650;

async function readPair(dir: string, names: { cert: string; key: string }): Promise<{ cert: string; key: string } | undefined> {
  try {
    return { cert: await readFile(join(dir, names.cert), 'utf8'), key: await readFile(join(dir, names.key), 'utf8') };
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Throws CertificateError unless cert and key parse, and the key is the certificate's. */
function checkPair(pair: { cert: string; key: string }, where: string): void {
  try {
    const cert = new X509Certificate(pair.cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) throw new Error('the key does not belong to the certificate');
  } catch (e) {
    throw new CertificateError(`${where}: not a usable certificate and key: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The `openssl req` arguments for a P-256 self-signed certificate for `hostName`. */
export function selfSignedArgs(keyPath: string, certPath: string, hostName: string): string[] {
  return [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-sha256',
    '-days', String(VALID_DAYS), '-subj', `/CN=${hostName}`,
    '-addext', `subjectAltName=DNS:${hostName},DNS:localhost,IP:127.0.0.1,IP:::1`,
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-keyout', keyPath, '-out', certPath,
  ];
}

export async function loadOrCreateCertificate(dir: string, run: CommandRunner = execFileRunner, hostName = 'deskphone'): Promise<TlsMaterial> {
  const provisioned = await readPair(dir, PROVISIONED_NAMES);
  if (provisioned !== undefined) {
    checkPair(provisioned, join(dir, PROVISIONED_NAMES.cert));
    return { ...provisioned, origin: 'provisioned', certPath: join(dir, PROVISIONED_NAMES.cert) };
  }
  const certPath = join(dir, SELF_SIGNED_NAMES.cert);
  const existing = await readPair(dir, SELF_SIGNED_NAMES);
  if (existing !== undefined) {
    checkPair(existing, certPath);
    return { ...existing, origin: 'self-signed', certPath };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyTmp = join(dir, `${SELF_SIGNED_NAMES.key}.${process.pid}.tmp`);
  const certTmp = join(dir, `${SELF_SIGNED_NAMES.cert}.${process.pid}.tmp`);
  try {
    await run('openssl', selfSignedArgs(keyTmp, certTmp, hostName));
    await chmod(keyTmp, 0o600);
    const made = { cert: await readFile(certTmp, 'utf8'), key: await readFile(keyTmp, 'utf8') };
    checkPair(made, 'openssl output');
    // Key first: a crash between the renames leaves no certificate, so the next start makes both again.
    await rename(keyTmp, join(dir, SELF_SIGNED_NAMES.key));
    await rename(certTmp, certPath);
    return { ...made, origin: 'self-signed', certPath };
  } catch (e) {
    await rm(keyTmp, { force: true });
    await rm(certTmp, { force: true });
    if (e instanceof CertificateError) throw e;
    const missing = typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
    const why = missing ? 'openssl is not installed' : `openssl failed: ${e instanceof Error ? e.message : String(e)}`;
    throw new CertificateError(
      `cannot make a self-signed HTTPS certificate (${why}); put a certificate and key in ${join(dir, PROVISIONED_NAMES.cert)} and ${join(dir, PROVISIONED_NAMES.key)}`,
    );
  }
}
