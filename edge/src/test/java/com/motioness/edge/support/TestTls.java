package com.motioness.edge.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates for the TLS port, made once per test JVM with the JDK's keytool (no BouncyCastle, and
 * Netty's SelfSignedCertificate needs JDK internals JDK 17 does not export): a test CA and two
 * server identities signed by it, both for {@code localhost} and {@code 127.0.0.1}: {@link #a} (EC
 * P-256, {@code CN=motioness-a}) and {@link #b} (RSA 2048, {@code CN=motioness-b}). Each is a
 * certificate file holding the chain (leaf, then the CA) and a PKCS#8 key file, as an edge reads
 * them; plus {@link #strayEcKey} (an EC key no certificate has) and clients that trust the CA.
 */
public final class TestTls {
    private static TestTls shared;

    /** A certificate chain file and its key file. */
    public record Identity(Path cert, Path key) {
        /** Copies both files to {@code cert} and {@code key}, each by an atomic rename, as a renewal does. */
        public void installAs(Path certTo, Path keyTo) throws IOException {
            replace(cert, certTo);
            replace(key, keyTo);
        }
    }

    /** EC P-256, subject {@code CN=motioness-a}. */
    public final Identity a;
    /** RSA 2048, subject {@code CN=motioness-b}. */
    public final Identity b;

    /** The CA's certificate, PEM: what clients trust ({@code curl --cacert}, {@code NODE_EXTRA_CA_CERTS}). */
    public final Path caFile;
    /** A PKCS#8 EC P-256 key that belongs to no certificate here. */
    public final Path strayEcKey;

    private final X509Certificate ca;

    private TestTls(Path caFile, X509Certificate ca, Identity a, Identity b, Path strayEcKey) {
        this.caFile = caFile;
        this.a = a;
        this.b = b;
        this.ca = ca;
        this.strayEcKey = strayEcKey;
    }

    /** The certificates of this JVM's tests, made on first use (keytool: a few seconds). */
    public static synchronized TestTls get() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("motioness-tls-");
            dir.toFile().deleteOnExit();
            X509Certificate ca = Keytool.ca(dir);
            Path caFile = dir.resolve("ca.pem");
            Files.writeString(caFile, pem("CERTIFICATE", ca.getEncoded()));
            Identity a = signed(dir, "motioness-a", ca, "-keyalg", "EC", "-groupname", "secp256r1");
            Identity b = signed(dir, "motioness-b", ca, "-keyalg", "RSA", "-keysize", "2048");
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            Path stray = dir.resolve("stray-key.pem");
            Files.writeString(
                    stray, pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()));
            shared = new TestTls(caFile, ca, a, b, stray);
        }
        return shared;
    }

    /** A client context that trusts the test CA only. */
    public SSLContext clientContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * A TLS connection to the edge on loopback, handshake done, checking the certificate against the
     * test CA and the name {@code localhost}; offering ALPN {@code http/1.1} alone, as the HTTP/1
     * clients of the tests speak.
     *
     * @param protocols the versions the client offers, e.g. {@code TLSv1.2}
     */
    public SSLSocket connect(SSLContext context, int port, String... protocols) throws IOException {
        return connectOffering(context, port, new String[] {"http/1.1"}, protocols);
    }

    /** The same, offering the ALPN protocols {@code alpn}, e.g. {@code h2} and {@code http/1.1}. */
    public SSLSocket connectOffering(SSLContext context, int port, String[] alpn, String... protocols)
            throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
        parameters.setApplicationProtocols(alpn);
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The same, with a client context of its own (no session to resume). */
    public SSLSocket connect(int port, String... protocols) throws Exception {
        return connect(clientContext(), port, protocols);
    }

    /** The subject of the certificate the edge serves a new connection now. */
    public String servedSubject(int port) throws Exception {
        try (SSLSocket socket = connect(port)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        }
    }

    private static void replace(Path from, Path to) throws IOException {
        Path next = to.resolveSibling(to.getFileName() + ".next");
        Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Identity signed(Path dir, String name, X509Certificate ca, String... keyOptions) throws Exception {
        Keytool.Issued issued = Keytool.issue(dir, name, "dns:localhost,ip:127.0.0.1", keyOptions);
        X509Certificate leaf = issued.leaf();
        PrivateKey key = issued.key();
        Path cert = dir.resolve(name + "-chain.pem");
        Files.writeString(cert, pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new Identity(cert, keyFile);
    }

    /** {@code der} as a PEM block of {@code type}. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
