// Request/response schemas of sign-in, the current user and the admin API (users, API
// tokens), shared by the route handlers and the client hooks.

import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../auth/roles';

/** What a username may be (stored lower-case). */
export const usernameSchema = z.string().min(2).max(64).regex(/^[a-z0-9][a-z0-9._@-]*$/, 'lower-case letters, digits and . _ @ -');

export const loginRequestSchema = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const meSchema = z.object({
  user: z.object({ id: z.string(), username: z.string(), display_name: z.string(), role: z.enum(ROLES) }),
  via: z.enum(['session', 'token', 'anonymous']),
  permissions: z.array(z.enum(PERMISSIONS)),
  /** Echo of the CSRF token for clients that cannot read the cookie. */
  csrf_token: z.string().nullable(),
});
export type Me = z.infer<typeof meSchema>;

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  origin: z.string(),
  disabled: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const createUserSchema = z.object({
  username: z.string().min(2).max(64),
  display_name: z.string().max(100).optional(),
  role: z.enum(ROLES),
  /** Omitted: a random password is generated and returned once. */
  password: z.string().min(10, 'at least 10 characters').max(200).optional(),
  reason: z.string().max(500).optional(),
});
export const updateUserSchema = z.object({
  role: z.enum(ROLES).optional(),
  display_name: z.string().max(100).optional(),
  password: z.string().min(10, 'at least 10 characters').max(200).optional(),
  disabled: z.boolean().optional(),
  reason: z.string().max(500).optional(),
});

export const apiTokenSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const createTokenSchema = z.object({
  name: z.string().min(1).max(100),
  /** Owner (default: the admin creating it); the token acts with the owner's role. */
  user_id: z.string().optional(),
  reason: z.string().max(500).optional(),
});
/** The token value appears in this response only. */
export const tokenSecretSchema = z.object({ token: z.string(), api_token: apiTokenSchema });

export const createIngestTokenSchema = z.object({
  name: z.string().min(1).max(100),
  /** '' (default) = every collector; else one collector's name (events, stripe, hubspot, …). */
  scope: z.string().regex(/^[a-z0-9_-]{0,40}$/).default(''),
  reason: z.string().max(500).optional(),
});
/** What every admin-managed credential shows (never its value). */
const credentialPublicSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().nullable(),
});
export const ingestTokenPublicSchema = credentialPublicSchema.extend({ scope: z.string() });

/** Sources whose collectors verify an HMAC signature with a per-source secret. */
export const SIGNING_SOURCES = ['stripe', 'hubspot', 'docusign', 'quickbooks', 'xero', 'netsuite'] as const;
export type SigningSource = (typeof SIGNING_SOURCES)[number];

/** A secret the vendor issued, pasted by the admin: one token, no whitespace. */
const suppliedSecret = z
  .string()
  .min(16, 'at least 16 characters')
  .max(512)
  .regex(/^\S+$/, 'no whitespace');
export const createSigningSecretSchema = z.object({
  source: z.enum(SIGNING_SOURCES),
  name: z.string().min(1).max(100),
  /** Omitted: one is generated in the vendor's shape. Given: the secret the vendor issued. */
  secret: suppliedSecret.optional(),
  reason: z.string().max(500).optional(),
});
/** Rotation adds a new secret (generated or supplied) beside the current one, which stays active until revoked. */
export const rotateSigningSecretSchema = z.object({ secret: suppliedSecret.optional(), reason: z.string().max(500).optional() });
export const signingSecretPublicSchema = credentialPublicSchema.extend({
  source: z.enum(SIGNING_SOURCES),
  /** First 12 hex of the secret's SHA-256: tells secrets apart without showing them. */
  fingerprint: z.string(),
  origin: z.enum(['generated', 'supplied']),
  /** The secret this one was rotated from ('' when created anew). */
  rotated_from: z.string(),
});
export type SigningSecretPublic = z.infer<typeof signingSecretPublicSchema>;
/** The secret's value appears in this response only. */
export const signingSecretShownOnceSchema = z.object({ secret: z.string(), signing_secret: signingSecretPublicSchema });
export const signingSecretListSchema = z.object({
  /** Per source: the environment variable and how many secrets it holds (never their values). */
  sources: z.array(z.object({ source: z.enum(SIGNING_SOURCES), variable: z.string(), env_secrets: z.number() })),
  key: z.object({ origin: z.string(), id: z.string() }),
  secrets: z.array(signingSecretPublicSchema),
});
