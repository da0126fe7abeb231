/**
 * HTTP/2 and Node failures as the Connect codes connect-node gives them, so calls served or made by
 * this package fail with the same codes as connect-node's own handler and transport.
 */
import { constants } from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';

const resetCodes: ReadonlyMap<number, [name: string, code: Code]> = new Map([
  [constants.NGHTTP2_PROTOCOL_ERROR, ['PROTOCOL_ERROR', Code.Internal]],
  [constants.NGHTTP2_INTERNAL_ERROR, ['INTERNAL_ERROR', Code.Internal]],
  [constants.NGHTTP2_FLOW_CONTROL_ERROR, ['FLOW_CONTROL_ERROR', Code.Internal]],
  [constants.NGHTTP2_SETTINGS_TIMEOUT, ['SETTINGS_TIMEOUT', Code.Internal]],
  [constants.NGHTTP2_FRAME_SIZE_ERROR, ['FRAME_SIZE_ERROR', Code.Internal]],
  [constants.NGHTTP2_COMPRESSION_ERROR, ['COMPRESSION_ERROR', Code.Internal]],
  [constants.NGHTTP2_CONNECT_ERROR, ['CONNECT_ERROR', Code.Internal]],
  [constants.NGHTTP2_REFUSED_STREAM, ['REFUSED_STREAM', Code.Unavailable]],
  [constants.NGHTTP2_CANCEL, ['CANCEL', Code.Canceled]],
  [constants.NGHTTP2_ENHANCE_YOUR_CALM, ['ENHANCE_YOUR_CALM', Code.ResourceExhausted]],
  [constants.NGHTTP2_INADEQUATE_SECURITY, ['INADEQUATE_SECURITY', Code.PermissionDenied]],
  [constants.NGHTTP2_HTTP_1_1_REQUIRED, ['HTTP_1_1_REQUIRED', Code.PermissionDenied]],
]);

/** The error a stream closed with RST_STREAM `rstCode` stands for; none for NO_ERROR and STREAM_CLOSED. */
export function errorFromResetCode(rstCode: number | undefined): ConnectError | undefined {
  const known = rstCode === undefined ? undefined : resetCodes.get(rstCode);
  if (!known) return undefined;
  const [name, code] = known;
  return new ConnectError(
    `http/2 stream closed with error code ${name} (0x${(rstCode as number).toString(16)})`,
    code,
  );
}

const abortedCodes = new Set([
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_DESTROYED',
  'ERR_HTTP2_INVALID_STREAM',
  'ECONNRESET',
]);
const unavailableCodes = new Set(['ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']);
/**
 * A TLS handshake that failed (refused client certificate, unknown CA, the server not the workload
 * expected): as in gRPC, the connection could not be made, so UNAVAILABLE — and nothing was sent.
 */
const tlsVerifyCodes = new Set([
  'ERR_MESH_PEER_IDENTITY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
]);
const isTlsFailure = (code: string) => code.startsWith('ERR_SSL_') || tlsVerifyCodes.has(code);

/** A Node error (or anything thrown) as a ConnectError: a peer hanging up is ABORTED, an unreachable one UNAVAILABLE. */
export function errorFromNodeReason(reason: unknown): ConnectError {
  const codes = nodeErrorCodes(reason);
  if (reason instanceof ConnectError) {
    // connect-node's session manager reports a failed handshake as INTERNAL.
    if (reason.code !== Code.Internal || !codes.some(isTlsFailure)) return reason;
    return new ConnectError(reason.rawMessage, Code.Unavailable, reason.metadata, undefined, reason.cause);
  }
  const code = codes.some((c) => abortedCodes.has(c))
    ? Code.Aborted
    : codes.some((c) => unavailableCodes.has(c) || isTlsFailure(c))
      ? Code.Unavailable
      : Code.Internal;
  const error = ConnectError.from(reason, code);
  if (error !== reason) error.cause = reason;
  return error;
}

/** The `code` of `reason` and of each error in its cause chain. */
function nodeErrorCodes(reason: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  for (let err = reason; err instanceof Error && !seen.has(err); err = err.cause) {
    seen.add(err);
    if ('code' in err && typeof err.code === 'string') codes.push(err.code);
  }
  return codes;
}
