import { createHash } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The outbox id of a notification: the same go-live and dedupe key always give the same id,
 * so a second enqueue finds the first (create-if-absent) instead of sending twice. Hashed,
 * because dedupe keys are free text and Cosmos ids may not hold / \ ? #.
 */
export function notificationId(goLiveId: string, dedupeKey: string): string {
  return `n-${sha256(`${goLiveId}\n${dedupeKey}`).toString('hex').slice(0, 40)}`;
}

/** A UUID (version 8, name-based) from a seed: provider request ids that a retry can repeat. */
export function uuidFrom(seed: string): string {
  const b = sha256(seed).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Graph activity `chainId` (Int64): 48 bits of the notification id, safely inside a JSON number. */
export function chainIdOf(notificationId: string): number {
  return sha256(`chain\n${notificationId}`).readUIntBE(0, 6);
}
