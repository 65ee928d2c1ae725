package com.motioness.edge.webhook.client;

import com.motioness.edge.webhook.AddressGuard;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host with Netty's non-blocking DNS resolver (hosts file first, then the system's name
 * servers, answers cached by their TTL) and checks every address it resolves to with the
 * {@link AddressGuard}: one refused address refuses the host, so a name that points at both a
 * public and an internal address cannot be used to reach the internal one. The address answered is
 * the one connected to: what was checked is what is reached, even if the name changes meanwhile.
 *
 * <p>Not {@code InetAddress} on a thread pool: a name server that is slow for one host would hold
 * a thread and delay every other origin's resolution behind it; here a slow lookup costs only its
 * own attempt.
 */
final class GuardedResolver implements AutoCloseable {
    private final DnsNameResolver dns;
    private final AddressGuard guard;

    GuardedResolver(DnsNameResolver dns, AddressGuard guard) {
        this.dns = dns;
        this.guard = guard;
    }

    /**
     * Completes {@code promise} with the address to connect to, or fails it with an
     * {@link AttemptFailure} ({@code DNS} or {@code BLOCKED_ADDRESS}).
     */
    Future<InetAddress> resolve(String host, Promise<InetAddress> promise) {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                checked(List.of(InetAddress.getByAddress(literal)), host, promise);
            } catch (UnknownHostException impossible) {
                promise.tryFailure(new AttemptFailure(AttemptOutcomes.DNS, "not an address: " + host));
            }
            return promise;
        }
        dns.resolveAll(host).addListener((Future<List<InetAddress>> resolved) -> {
            if (resolved.isSuccess() && !resolved.getNow().isEmpty()) {
                checked(resolved.getNow(), host, promise);
            } else {
                promise.tryFailure(new AttemptFailure(AttemptOutcomes.DNS, host + " does not resolve"));
            }
        });
        return promise;
    }

    private void checked(List<InetAddress> addresses, String host, Promise<InetAddress> promise) {
        for (InetAddress address : addresses) {
            String refusal = guard.refusal(address);
            if (refusal != null) {
                promise.tryFailure(new AttemptFailure(
                        AttemptOutcomes.BLOCKED_ADDRESS,
                        host + " resolves to " + address.getHostAddress() + ": " + refusal));
                return;
            }
        }
        promise.trySuccess(addresses.get(0));
    }

    @Override
    public void close() {
        dns.close();
    }
}
