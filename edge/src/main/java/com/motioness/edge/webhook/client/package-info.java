/**
 * The webhook HTTP client: {@link com.motioness.edge.webhook.client.WebhookClient} sends each attempt
 * as an HTTP/1.1 POST on Netty, over a keep-alive pool per origin, to an address it resolved and the
 * {@link com.motioness.edge.webhook.AddressGuard} allowed, and turns what happened into an
 * {@link com.motioness.edge.webhook.AttemptResult}.
 */
package com.motioness.edge.webhook.client;
