/**
 * Server-Sent Events framing, written straight into Netty buffers: the byte-level rules of the
 * WHATWG EventSource specification ({@code text/event-stream}) that every frame the edge sends
 * must follow.
 */
package com.motioness.protocol.sse;
