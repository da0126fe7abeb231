/** Keyset pagination of transfers, newest first: the token names the last row of the page. */
export interface PagePosition {
  createdAt: Date;
  transferId: string;
}

export function encodePageToken(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.transferId])).toString(
    'base64url',
  );
}

/** The position a token names, or undefined when it is not one this service made. */
export function decodePageToken(token: string): PagePosition | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [at, id] = parsed;
    if (typeof at !== 'string' || typeof id !== 'string') return undefined;
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime())) return undefined;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    return { createdAt, transferId: id };
  } catch {
    return undefined;
  }
}
