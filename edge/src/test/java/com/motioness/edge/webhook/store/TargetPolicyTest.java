package com.motioness.edge.webhook.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.motioness.edge.webhook.store.WebhookRefusal.Kind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {
    private static final TargetPolicy STRICT = new TargetPolicy(false, false);

    @ParameterizedTest(name = "{0} is a {1}")
    @CsvSource({
        "127.0.0.1, loopback address",
        "127.255.0.9, loopback address",
        "::1, loopback address",
        "0.0.0.0, unspecified address",
        "::, unspecified address",
        "10.1.2.3, private address",
        "172.16.0.1, private address",
        "172.31.255.255, private address",
        "192.168.1.1, private address",
        "fc00::1, private address",
        "fd12:3456::1, private address",
        "169.254.1.1, link-local address",
        "fe80::1, link-local address",
        "100.64.0.1, shared (CGNAT) address",
        "100.127.255.254, shared (CGNAT) address",
        "224.0.0.1, multicast address",
        "239.255.255.250, multicast address",
        "ff02::1, multicast address",
        "255.255.255.255, broadcast address",
        "240.0.0.1, reserved address",
        "169.254.169.254, cloud metadata address",
        "fd00:ec2::254, cloud metadata address",
        "100.100.100.200, cloud metadata address",
        // The JDK turns ::ffff:a.b.c.d into an IPv4 address itself: it is classified as one.
        "::ffff:127.0.0.1, loopback address",
        "::ffff:169.254.169.254, cloud metadata address",
        "::10.0.0.1, private address (IPv4-compatible)",
        "64:ff9b::7f00:1, loopback address (NAT64)",
        "64:ff9b::a9fe:a9fe, cloud metadata address (NAT64)",
        "2002:c0a8:0101::1, private address (6to4)",
        "2002:7f00:0001::1, loopback address (6to4)",
    })
    void refusesEveryInternalAddressClass(String address, String refusal) throws UnknownHostException {
        assertEquals(refusal, STRICT.refusal(InetAddress.getByName(address)));
    }

    @Test
    void refusesMappedFormsBuiltAsIpv6() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 7;
        assertEquals(
                "private address (IPv4-mapped)", STRICT.refusal(java.net.Inet6Address.getByAddress(null, mapped, -1)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "93.184.216.34",
                "8.8.8.8",
                "172.32.0.1",
                "100.128.0.1",
                "192.169.0.1",
                "2606:4700::1111",
                "64:ff9b::808:808",
                "2002:0808:0808::1",
                "::ffff:8.8.8.8"
            })
    void allowsPublicAddresses(String address) throws UnknownHostException {
        assertNull(STRICT.refusal(InetAddress.getByName(address)));
    }

    @Test
    void allowPrivateRefusesNothing() throws UnknownHostException {
        TargetPolicy open = new TargetPolicy(false, true);
        assertNull(open.refusal(InetAddress.getByName("127.0.0.1")));
        assertNull(open.refusal(InetAddress.getByName("169.254.169.254")));
        assertEquals(
                "https://localhost:8443/x",
                open.check("https://localhost:8443/x").toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "example.com/hook",
                "/hook",
                "ftp://example.com/hook",
                "http://example.com/hook",
                "https:example.com",
                "https://user:pw@example.com/hook",
                "https://example.com/hook#frag",
                "https://example.com:0/hook",
                "https://example.com:65536/hook",
                "https://example.com:/hook",
                "https:///hook",
                "https://exa mple.com/hook",
                "https://under_score.example.com/hook"
            })
    void refusesMalformedUrls(String url) {
        WebhookRefusal refusal = assertThrows(WebhookRefusal.class, () -> STRICT.parse(url), url);
        assertEquals(Kind.INVALID_URL, refusal.kind());
    }

    @Test
    void refusesOverlongUrls() {
        String url = "https://example.com/" + "a".repeat(TargetPolicy.MAX_URL_LENGTH);
        assertEquals(
                Kind.INVALID_URL,
                assertThrows(WebhookRefusal.class, () -> STRICT.parse(url)).kind());
        String fits = "https://example.com/" + "a".repeat(TargetPolicy.MAX_URL_LENGTH - 20);
        assertEquals(fits, STRICT.parse(fits).toString());
    }

    @Test
    void httpOnlyWhenAllowed() {
        assertEquals(
                "http://example.com/hook",
                new TargetPolicy(true, false).parse("http://example.com/hook").toString());
    }

    @Test
    void refusesHostsByNameAndByEveryAddress() {
        Map<String, String[]> dns = Map.of(
                "public.test", new String[] {"93.184.216.34"},
                "half.test", new String[] {"93.184.216.34", "10.0.0.5"},
                "ipv6.test", new String[] {"2606:4700::1111", "fe80::1"});
        TargetPolicy policy = new TargetPolicy(false, false, host -> {
            String[] answers = host.matches("[0-9.]+|.*:.*") ? new String[] {host} : dns.get(host);
            if (answers == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] resolved = new InetAddress[answers.length];
            for (int i = 0; i < answers.length; i++) {
                resolved[i] = InetAddress.getByName(answers[i]);
            }
            return resolved;
        });
        assertEquals(
                "https://public.test/h", policy.check("https://public.test/h").toString());
        assertForbidden(policy, "https://half.test/h", "10.0.0.5: private address");
        assertForbidden(policy, "https://ipv6.test/h", "fe80:0:0:0:0:0:0:1: link-local address");
        assertForbidden(policy, "https://localhost/h", "internal service");
        assertForbidden(policy, "https://LocalHost./h", "internal service");
        assertForbidden(policy, "https://app.localhost/h", "internal service");
        assertForbidden(policy, "https://metadata.google.internal/computeMetadata/v1/", "internal service");
        assertForbidden(policy, "https://127.0.0.1:8443/h", "loopback address");
        assertForbidden(policy, "https://[::1]/h", "loopback address");
        assertForbidden(policy, "https://[fd00:ec2::254]/latest", "cloud metadata address");
        assertEquals(
                Kind.INVALID_URL,
                assertThrows(WebhookRefusal.class, () -> policy.check("https://nowhere.test/h"))
                        .kind());
    }

    private static void assertForbidden(TargetPolicy policy, String url, String why) {
        WebhookRefusal refusal = assertThrows(WebhookRefusal.class, () -> policy.check(url), url);
        assertEquals(Kind.FORBIDDEN_TARGET, refusal.kind(), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(why), refusal.getMessage());
    }
}
