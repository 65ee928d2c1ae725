package com.motioness.edge.webhook.client;

import com.motioness.edge.support.Keytool;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A test CA and server certificates made with the JDK's keytool ({@link Keytool}): a leaf for
 * {@code localhost} signed by the CA, a leaf for another name signed by the CA, and a self-signed
 * {@code localhost} certificate no one trusts.
 */
final class TestCertificates {
    /** A server's key and its chain, leaf first. */
    record ServerKey(PrivateKey key, X509Certificate[] chain) {}

    final X509Certificate ca;
    final ServerKey localhost;
    final ServerKey otherName;
    final ServerKey selfSigned;

    private TestCertificates(X509Certificate ca, ServerKey localhost, ServerKey otherName, ServerKey selfSigned) {
        this.ca = ca;
        this.localhost = localhost;
        this.otherName = otherName;
        this.selfSigned = selfSigned;
    }

    static TestCertificates create(Path dir) throws Exception {
        X509Certificate ca = Keytool.ca(dir);
        ServerKey localhost = signed(dir, "localhost", ca);
        ServerKey otherName = signed(dir, "other.example", ca);
        Keytool.run(
                dir,
                "-genkeypair",
                "-keystore",
                "self.p12",
                "-alias",
                "server",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost");
        KeyStore self = Keytool.keyStore(dir.resolve("self.p12"));
        ServerKey selfSigned = new ServerKey(
                (PrivateKey) self.getKey("server", Keytool.PASSWORD.toCharArray()),
                new X509Certificate[] {(X509Certificate) self.getCertificate("server")});
        return new TestCertificates(ca, localhost, otherName, selfSigned);
    }

    private static ServerKey signed(Path dir, String host, X509Certificate ca) throws Exception {
        Keytool.Issued issued = Keytool.issue(dir, host, "dns:" + host);
        return new ServerKey(issued.key(), new X509Certificate[] {issued.leaf(), ca});
    }
}
