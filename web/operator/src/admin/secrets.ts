// A channel's secret is only in the answer to its creation or rotation. It is kept here, in
// memory only, just long enough for the channel page to show it once.
let fresh: { channelId: number; secret: string } | null = null;

export function rememberSecret(channelId: number, secret: string | undefined): void {
  fresh = secret ? { channelId, secret } : null;
}

export function freshSecret(channelId: number): string | null {
  return fresh && fresh.channelId === channelId ? fresh.secret : null;
}

export function forgetSecret(): void {
  fresh = null;
}
