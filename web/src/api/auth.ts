import { request, setCsrfToken } from './client';
import type { User } from './types';

interface SessionAnswer {
  user: User;
  csrf_token?: string;
}

export async function logIn(email: string, password: string): Promise<User> {
  const answer = await request<SessionAnswer>('POST', '/api/v1/auth/login', { email, password }, {
    allowUnauthorized: true,
  });
  setCsrfToken(answer.csrf_token ?? null);
  return answer.user;
}

/** The logged-in user after a reload (the cookie survives it, the token in memory does not), or null. */
export async function currentUser(): Promise<User | null> {
  try {
    const answer = await request<SessionAnswer>('GET', '/api/v1/auth/me', undefined, {
      allowUnauthorized: true,
    });
    setCsrfToken(answer.csrf_token ?? null);
    return answer.user;
  } catch (error) {
    if ((error as { status?: number }).status === 401) return null;
    throw error;
  }
}

export async function logOut(): Promise<void> {
  try {
    await request<void>('POST', '/api/v1/auth/logout', undefined, { allowUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}
