package com.motioness.edge.limits;

import java.util.List;

/**
 * The abuse limits of one node: open streams per project key, per user and per client address,
 * and new streams per address per second. Over a limit the edge answers 429 with Retry-After.
 */
public final class StreamLimits {
    /** Which limit a refusal came from, for the error body. */
    public enum Kind {
        /** Too many open streams for one project key. */
        KEY,
        /** Too many open streams for one user. */
        USER,
        /** Too many open streams from one client address. */
        ADDRESS
    }

    final ConcurrencyLimiter perKey;
    final ConcurrencyLimiter perUser;
    final ConcurrencyLimiter perAddress;
    private final ConnectionRateLimiter newStreams;
    private final ClientAddresses addresses;

    /**
     * @param maxPerKey open streams per project key (0: no limit)
     * @param maxPerUser open streams per signed-in user (0: no limit)
     * @param maxPerAddress open streams per client address (0: no limit)
     * @param newPerSecond new streams per address per second, with a burst of twice that (0: no limit)
     * @param trustedProxies whose X-Forwarded-For names the client
     */
    public StreamLimits(
            int maxPerKey, int maxPerUser, int maxPerAddress, double newPerSecond, List<String> trustedProxies) {
        this.perKey = new ConcurrencyLimiter(maxPerKey);
        this.perUser = new ConcurrencyLimiter(maxPerUser);
        this.perAddress = new ConcurrencyLimiter(maxPerAddress);
        this.newStreams = new ConnectionRateLimiter(newPerSecond, 2 * newPerSecond, 100_000, System::nanoTime);
        this.addresses = new ClientAddresses(trustedProxies);
    }

    /** No limits at all. */
    public static StreamLimits none() {
        return new StreamLimits(0, 0, 0, 0, List.of());
    }

    /** Who the client is (see {@link ClientAddresses}). */
    public ClientAddresses addresses() {
        return addresses;
    }

    /** Seconds a client must wait before it may open another stream, or 0. */
    public long newStreamWait(String address) {
        return newStreams.tryAcquire(address);
    }

    /**
     * Takes a place for a stream of this address and identity (a key, or a user).
     *
     * @return the limit that refused, or null when the stream may open; call {@link #release}
     *     with the same arguments when it ends
     */
    public Kind tryOpen(String address, Kind identityKind, String identity) {
        ConcurrencyLimiter byIdentity = identityKind == Kind.KEY ? perKey : perUser;
        if (!byIdentity.tryAcquire(identity)) {
            return identityKind;
        }
        if (!perAddress.tryAcquire(address)) {
            byIdentity.release(identity);
            return Kind.ADDRESS;
        }
        return null;
    }

    /** Gives back what {@link #tryOpen} took. */
    public void release(String address, Kind identityKind, String identity) {
        (identityKind == Kind.KEY ? perKey : perUser).release(identity);
        perAddress.release(address);
    }
}
