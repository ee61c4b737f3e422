import { z } from 'zod';

/** Ids in URLs: lower-case slugs, stable and readable ("kirurgen-avd-12"). */
export const Slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'a–z, 0–9 och bindestreck / a–z, 0–9 and hyphens' });

/** ISO 8601 instant with offset or Z, normalised to UTC milliseconds (`2026-11-27T08:00:00.000Z`). */
export const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

export const Email = z.email().max(254);
