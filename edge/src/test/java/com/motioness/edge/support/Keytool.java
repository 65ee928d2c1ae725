package com.motioness.edge.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * Test certificates made with the JDK's keytool, in a directory of the caller's (no BouncyCastle
 * here, and Netty's SelfSignedCertificate needs JDK internals that JDK 17 does not export): a CA in
 * {@code ca.p12}, and server certificates it signs. Keys are EC P-256 unless the caller names
 * others; everything is valid for 2 days.
 */
public final class Keytool {
    /** The password of every keystore and key made here. */
    public static final String PASSWORD = "test-only";

    private static final String[] EC_P256 = {"-keyalg", "EC", "-groupname", "secp256r1"};

    /** A server's key and the certificate the CA signed for it. */
    public record Issued(PrivateKey key, X509Certificate leaf) {}

    private Keytool() {}

    /** Makes the CA ({@code CN=Motioness Test CA}, EC P-256) in {@code dir/ca.p12}; returns its certificate. */
    public static X509Certificate ca(Path dir) throws Exception {
        run(
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
        return (X509Certificate) keyStore(dir.resolve("ca.p12")).getCertificate("ca");
    }

    /**
     * A server certificate for {@code CN=name} with the subject alternative names {@code san} (e.g.
     * {@code dns:localhost,ip:127.0.0.1}), signed by the CA of {@link #ca}.
     *
     * @param keyOptions keytool's key options (e.g. {@code -keyalg RSA -keysize 2048}); none: EC P-256
     */
    public static Issued issue(Path dir, String name, String san, String... keyOptions) throws Exception {
        String store = name + ".p12";
        List<String> generate =
                new ArrayList<>(List.of("-genkeypair", "-keystore", store, "-alias", "server", "-dname", "CN=" + name));
        generate.addAll(List.of(keyOptions.length == 0 ? EC_P256 : keyOptions));
        run(dir, generate.toArray(new String[0]));
        run(dir, "-certreq", "-keystore", store, "-alias", "server", "-file", name + ".csr");
        run(
                dir,
                "-gencert",
                "-keystore",
                "ca.p12",
                "-alias",
                "ca",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".crt",
                "-rfc",
                "-ext",
                "SAN=" + san,
                "-ext",
                "EKU=serverAuth");
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".crt"))) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        PrivateKey key = (PrivateKey) keyStore(dir.resolve(store)).getKey("server", PASSWORD.toCharArray());
        return new Issued(key, leaf);
    }

    /** A PKCS#12 keystore made here. */
    public static KeyStore keyStore(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /**
     * Runs keytool in {@code dir} with {@code args}, PKCS#12 stores and this class's password; a
     * {@code -genkeypair} without {@code -keyalg} makes an EC P-256 key.
     */
    public static void run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (args[0].equals("-genkeypair") && !List.of(args).contains("-keyalg")) {
            command.addAll(List.of(EC_P256));
        }
        if (args[0].equals("-genkeypair") || args[0].equals("-gencert")) {
            command.addAll(List.of("-validity", "2"));
        }
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
