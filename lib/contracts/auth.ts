// Request/response schemas of sign-in, the current user and the admin API (users, API
// tokens), shared by the route handlers and the client hooks.

import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../auth/roles';

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
export const ingestTokenPublicSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().nullable(),
});
