/**
 * The one connection to the gateway (same origin, Connect protocol with JSON): it adds the bearer
 * token to every call and ends the session when the gateway answers UNAUTHENTICATED to it.
 */
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { sessionStore } from '../session/session-store';

const isUnauthenticated = (err: unknown) => err instanceof ConnectError && err.code === Code.Unauthenticated;

/** Re-throws what a server stream throws, ending the session first when it is UNAUTHENTICATED. */
async function* expiringOn<T>(messages: AsyncIterable<T>, token: string): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    if (isUnauthenticated(err)) sessionStore.expire(token);
    throw err;
  }
}

const bearerToken: Interceptor = (next) => async (req) => {
  const token = sessionStore.current()?.token;
  if (token) req.header.set('Authorization', `Bearer ${token}`);
  try {
    const res = await next(req);
    if (res.stream && token) return { ...res, message: expiringOn(res.message, token) };
    return res;
  } catch (err) {
    // Anonymous calls (Login with a wrong password) answer UNAUTHENTICATED too: only a refused token ends a session.
    if (token && isUnauthenticated(err)) sessionStore.expire(token);
    throw err;
  }
};

export const transport = createConnectTransport({
  baseUrl: window.location.origin,
  interceptors: [bearerToken],
});
