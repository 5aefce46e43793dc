import type { FastifyInstance } from 'fastify';
import type { SigningKeyView } from '../../../auth/signing-keys.js';
import { SigningKeyConfiguredError } from '../../../persistence/auth-persistence.js';
import type { AppContext } from '../context.js';
import { authActorOf } from './http-auth.js';

/** What the key routes answer: every key still verifying, newest first, and which one signs. Never a secret. */
export interface SigningKeysJson {
  signing: string;
  keys: readonly SigningKeyView[];
}

/**
 * The token signing keys, for admins:
 * - `GET /v1/cairn/auth/keys`: the keys (kid, createdAt, retiredAt, expiresAt, signing, configured);
 * - `POST /v1/cairn/auth/keys/rotate`: a new random key signs from now on; the keys it replaces verify the tokens
 *   they signed until those expire (token lifetime), then they are removed. 409 while CAIRN_TOKEN_SECRET is set.
 */
export function signingKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/v1/cairn/auth/keys', async (): Promise<SigningKeysJson> => answer(await ctx.authPersistence.signingKeyViews()));
  app.post('/v1/cairn/auth/keys/rotate', async (request): Promise<SigningKeysJson> => {
    try {
      const rotated = await ctx.authPersistence.rotateSigningKey();
      const retired = rotated.views.filter((k) => k.retiredAt !== undefined).map((k) => k.kid);
      ctx.auth.signingKeyRotated(rotated.current.kid, retired, authActorOf(request));
      return answer(rotated.views);
    } catch (error) {
      if (error instanceof SigningKeyConfiguredError) throw Object.assign(new Error(error.message), { statusCode: 409 });
      throw error;
    }
  });
}

function answer(views: readonly SigningKeyView[]): SigningKeysJson {
  const keys = [...views].sort((a, b) => Number(b.configured) - Number(a.configured) || (b.createdAt ?? 0) - (a.createdAt ?? 0));
  return { signing: keys.find((k) => k.signing)?.kid ?? '', keys };
}
