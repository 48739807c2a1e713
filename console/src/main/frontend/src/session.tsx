// Logging in with a bearer token: the token is checked by asking the API who it belongs to
// (SelfSubjectReview, as `kubectl auth whoami`), then kept in this tab's sessionStorage only
// (no cookie, so no request is ever sent with it by the browser on its own: no CSRF).
import { useState } from 'preact/hooks';
import { ApiError, review, setToken } from './api';

export interface User {
  username: string;
  groups: string[];
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

export async function whoAmI(): Promise<User> {
  const answer = await review<SelfSubjectReview>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });
  const info = answer.status?.userInfo ?? {};
  return { username: info.username ?? '', groups: info.groups ?? [] };
}

export function Login({ reason, onLogin }: { reason: string | null; onLogin: (user: User) => void }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(reason);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    performance.mark('capstan:login-submitted');
    setBusy(true);
    setError(null);
    setToken(token.trim());
    try {
      onLogin(await whoAmI());
    } catch (err) {
      setToken(null);
      setError(err instanceof ApiError && err.code === 401
        ? 'This token was refused by the API (401 Unauthorized).'
        : `Could not log in: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Capstan</h1>
        <p>Log in with a bearer token: the admin token of your kubeconfig, or a ServiceAccount's
          (<code>kubectl create token NAME</code>). The console acts with exactly that token's permissions.</p>
        <label for="token">Token</label>
        <textarea id="token" name="token" rows={4} required autoComplete="off" spellcheck={false}
          value={token} onInput={(e) => setTokenText((e.target as HTMLTextAreaElement).value)} />
        {error && <p class="error" role="alert" id="login-error">{error}</p>}
        <button type="submit" disabled={busy || !token.trim()}>{busy ? 'Checking…' : 'Log in'}</button>
      </form>
    </main>
  );
}
