package com.motioness.edge.webhook.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and server certificates made with the JDK's keytool (no BouncyCastle here, and Netty's
 * SelfSignedCertificate needs JDK internals that JDK 17 does not export): a leaf for
 * {@code localhost} signed by the CA, a leaf for another name signed by the CA, and a self-signed
 * {@code localhost} certificate no one trusts.
 */
final class TestCertificates {
    private static final String PASSWORD = "test-only";

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
        keytool(
                dir,
                "-genkeypair",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
                "-dname",
                "CN=Motioness Test CA",
                "-ext",
                "bc:c");
        X509Certificate ca = (X509Certificate) keyStore(dir.resolve("ca.p12")).getCertificate("ca");
        ServerKey localhost = signed(dir, "localhost", ca);
        ServerKey otherName = signed(dir, "other.example", ca);
        keytool(
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
        KeyStore self = keyStore(dir.resolve("self.p12"));
        ServerKey selfSigned = new ServerKey(
                (PrivateKey) self.getKey("server", PASSWORD.toCharArray()),
                new X509Certificate[] {(X509Certificate) self.getCertificate("server")});
        return new TestCertificates(ca, localhost, otherName, selfSigned);
    }

    private static ServerKey signed(Path dir, String host, X509Certificate ca) throws Exception {
        String store = host + ".p12";
        keytool(dir, "-genkeypair", "-keystore", store, "-alias", "server", "-dname", "CN=" + host);
        keytool(dir, "-certreq", "-keystore", store, "-alias", "server", "-file", host + ".csr");
        keytool(
                dir,
                "-gencert",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
                "-infile",
                host + ".csr",
                "-outfile",
                host + ".pem",
                "-rfc",
                "-ext",
                "SAN=dns:" + host,
                "-ext",
                "EKU=serverAuth");
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(dir.resolve(host + ".pem"))) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        PrivateKey key = (PrivateKey) keyStore(dir.resolve(store)).getKey("server", PASSWORD.toCharArray());
        return new ServerKey(key, new X509Certificate[] {leaf, ca});
    }

    private static KeyStore keyStore(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }
}
