import { createHash } from 'node:crypto';
import type { Target } from '../../ports/outbox.port';

/** RFC 2047 encoded-word for header text that is not plain ASCII (Swedish subjects, names). */
export function encodeHeaderText(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  // Encoded words are at most 75 characters: split the UTF-8 bytes at character boundaries.
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

function address(t: Target): string {
  return t.name ? `${encodeHeaderText(t.name.replace(/["\\]/g, ''))} <${t.address}>` : `<${t.address}>`;
}

const base64Lines = (s: string) =>
  (
    Buffer.from(s, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/**
 * An RFC 5322 message with a plain-text and an HTML alternative, UTF-8, base64 bodies: what
 * the embedded e-mail channel writes as `.eml`, so any mail program opens it as it would
 * have arrived. Deterministic for the same input (boundary and Message-ID from the content).
 */
export function buildEml(mail: {
  from: string;
  to: Target[];
  subject: string;
  text: string;
  html: string;
  date: Date;
  messageId: string;
}): string {
  const boundary = `=_driftpuls_${createHash('sha256').update(mail.messageId).digest('hex').slice(0, 24)}`;
  const headers = [
    `From: Driftpuls <${mail.from}>`,
    `To: ${mail.to.map(address).join(',\r\n ')}`,
    `Subject: ${encodeHeaderText(mail.subject)}`,
    `Date: ${mail.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${mail.messageId}>`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  return [
    ...headers,
    '',
    'This is a multi-part message in MIME format.',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
