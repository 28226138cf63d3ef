import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

export interface PendingRequests {
  readonly size: number;
  /** Resolves once every request received so far has been answered (or cancelled), or after maxMs. */
  idle(maxMs: number): Promise<void>;
}

/**
 * Counts the requests a connected transport has received and not yet answered, so a server whose
 * client closed stdin right after its last request (`printf ... | hippo mcp`) still answers it
 * before shutting down. Call after server.connect(transport): it wraps the handlers connect set.
 */
export function trackPendingRequests(transport: Transport): PendingRequests {
  const pending = new Set<RequestId>();
  let waiters: Array<() => void> = [];
  const settle = (id: RequestId): void => {
    pending.delete(id);
    if (pending.size > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };

  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (isJSONRPCRequest(message)) pending.add(message.id);
    // A cancelled request gets no answer at all.
    else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) settle(id);
    }
    receive?.(message, extra);
  };

  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    try {
      await send(message, options);
    } finally {
      if (isJSONRPCResultResponse(message)) settle(message.id);
      else if (isJSONRPCErrorResponse(message) && message.id !== undefined) settle(message.id);
    }
  };

  return {
    get size() {
      return pending.size;
    },
    idle(maxMs) {
      if (pending.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
