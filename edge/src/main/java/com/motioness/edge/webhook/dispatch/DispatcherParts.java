package com.motioness.edge.webhook.dispatch;

import com.motioness.edge.log.EventLog;
import com.motioness.edge.webhook.DeadLetterStore;
import com.motioness.edge.webhook.EndpointStore;
import com.motioness.edge.webhook.WebhookSender;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;

/**
 * What a dispatcher works with, in either mode; their owner closes them after the dispatcher.
 *
 * @param log where the {@code webhook_*} events of every attempt are appended (the ingest path)
 * @param endpoints the projects' endpoints
 * @param deadLetters where deliveries that used up their attempts are kept
 * @param sender sends the attempts
 * @param clock the time of attempts, schedules and events
 * @param registry where the {@code motioness_webhook_*} metrics are registered
 */
public record DispatcherParts(
        EventLog log,
        EndpointStore endpoints,
        DeadLetterStore deadLetters,
        WebhookSender sender,
        Clock clock,
        PrometheusRegistry registry) {}
