import crypto from "node:crypto";

let installed = false;

function desSupported(): boolean {
  try {
    crypto.createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

/**
 * s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with single DES (`createCipheriv('des', key8, iv8)`),
 * which OpenSSL 3 (Node 17+) only offers with `--openssl-legacy-provider`: without it, any listing with more than
 * MaxKeys objects answers 500 InternalError. Triple DES (des-ede3-cbc, in the default provider) with the key repeated
 * three times is mathematically single DES-CBC, so this maps exactly those calls onto it and leaves every other
 * call untouched. Installed only when 'des' is really unavailable.
 */
export function installS3rverDesShim(): void {
  if (installed) return;
  installed = true;
  if (desSupported()) return;
  const mutable = crypto as unknown as {
    createCipheriv: (...args: unknown[]) => unknown;
    createDecipheriv: (...args: unknown[]) => unknown;
  };
  const original = { cipher: mutable.createCipheriv, decipher: mutable.createDecipheriv };
  const remap = (args: unknown[]): unknown[] => {
    const [algorithm, key, ...rest] = args;
    if (algorithm === "des" && Buffer.isBuffer(key) && key.length === 8) {
      return ["des-ede3-cbc", Buffer.concat([key, key, key]), ...rest];
    }
    return args;
  };
  mutable.createCipheriv = (...args: unknown[]) => original.cipher.apply(crypto, remap(args));
  mutable.createDecipheriv = (...args: unknown[]) => original.decipher.apply(crypto, remap(args));
}
