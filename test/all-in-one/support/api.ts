/** A small client of the gateway's REST API, as a planner's browser uses it. */
export interface Api {
  get<T>(path: string): Promise<T>;
  token: string;
}

export async function login(baseUrl: string, username: string, password: string): Promise<Api> {
  const response = await fetch(new URL('api/auth/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return {
    token,
    get: async <T>(path: string): Promise<T> => {
      const res = await fetch(new URL(path, baseUrl), { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

/** Polls `probe` until it returns a value other than null (no timing is asserted, only an upper bound to give up). */
export async function eventually<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 90_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${lastError ? `; last error: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
