/**
 * The htpasswd hash for CNCF distribution's `auth.htpasswd`, which accepts bcrypt hashes only. bcryptjs does the
 * hashing; this module only fixes the cost: distribution checks the hash on every request, so it stays low.
 */
import bcrypt from 'bcryptjs';

/** Hashes `password` into a `$2b$NN$…` string (Go's x/crypto/bcrypt, which distribution uses, accepts it). */
export function bcryptHash(password: string, options: { cost?: number } = {}): string {
  return bcrypt.hashSync(password, options.cost ?? 5);
}

/** True when `password` matches `hash` (`$2a$`, `$2b$` or `$2y$`). Use it to check a written htpasswd line. */
export function bcryptVerify(password: string, hash: string): boolean {
  return bcrypt.compareSync(password, hash);
}
