/**
 * Webhooks, the durable channel beside SSE: a project's endpoints, their signing secrets and dead
 * letters, and the contracts the dispatcher ({@code webhook.dispatch}), the HTTP client
 * ({@code webhook.client}) and the stores ({@code webhook.store}) meet at.
 */
package com.motioness.edge.webhook;
