package com.motioness.edge.webhook.dispatch;

import java.time.Duration;

/**
 * How a dispatcher runs; {@link #defaults(RetrySchedule)} gives the production values and tests
 * shorten the times.
 *
 * @param schedule the attempts and the delays between them
 * @param timeout how long one attempt may take ({@code --webhook-timeout})
 * @param lease how long a claimed job stays with this dispatcher before another may take it; longer
 *     than an attempt and the recording of its outcome
 * @param pollInterval how often due jobs are claimed
 * @param claimBatch the most jobs one claim takes (per shard in Redis mode)
 * @param maxInFlightPerEndpoint attempts in flight to one endpoint from this process; a job over
 *     the bound waits a few milliseconds, not counted as an attempt
 * @param breakerThreshold consecutive failed attempts that park an endpoint
 * @param firstCoolDown how long an endpoint is parked first; doubled after each failed probe
 * @param maxCoolDown the longest parking
 * @param autoclaimIdle how long a firehose entry stays pending with a consumer before another
 *     takes it over (Redis mode: the consumer died between reading and taking it in)
 * @param intakeCapacity events waiting for the dispatcher in embedded mode; past it they are dropped
 *     and counted
 * @param closeWait how long {@code close()} waits for attempts in flight
 */
public record DispatcherSettings(
        RetrySchedule schedule,
        Duration timeout,
        Duration lease,
        Duration pollInterval,
        int claimBatch,
        int maxInFlightPerEndpoint,
        int breakerThreshold,
        Duration firstCoolDown,
        Duration maxCoolDown,
        Duration autoclaimIdle,
        int intakeCapacity,
        Duration closeWait) {

    /** The production settings around a schedule: timeout 10 s, lease timeout × 1.5 + 5 s, and so on. */
    public static DispatcherSettings defaults(RetrySchedule schedule) {
        Duration timeout = Duration.ofSeconds(10);
        return new DispatcherSettings(
                schedule,
                timeout,
                leaseFor(timeout),
                Duration.ofMillis(100),
                256,
                16,
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                65_536,
                Duration.ofSeconds(15));
    }

    /** The lease that covers an attempt of {@code timeout}: 1.5 × the timeout + 5 s. */
    public static Duration leaseFor(Duration timeout) {
        return Duration.ofMillis(timeout.toMillis() * 3 / 2 + 5000);
    }

    /** These settings with another timeout and its lease. */
    public DispatcherSettings withTimeout(Duration newTimeout, Duration newLease) {
        return new DispatcherSettings(
                schedule,
                newTimeout,
                newLease,
                pollInterval,
                claimBatch,
                maxInFlightPerEndpoint,
                breakerThreshold,
                firstCoolDown,
                maxCoolDown,
                autoclaimIdle,
                intakeCapacity,
                closeWait);
    }
}
