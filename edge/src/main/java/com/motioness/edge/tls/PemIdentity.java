package com.motioness.edge.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's certificate chain and private key, read from {@code --tls-cert} and
 * {@code --tls-key} and checked here rather than by the TLS library, so that whatever is wrong is
 * said in one line naming the file: missing, unreadable, no PEM certificate, a key in a format
 * this reader does not take (it says the command that converts it), a key that is not the
 * certificate's. Both files' bytes are also hashed ({@link #fingerprint}) so the reload can tell
 * whether anything changed.
 */
final class PemIdentity {
    static final String CERT_FLAG = "--tls-cert";
    static final String KEY_FLAG = "--tls-key";

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    final X509Certificate[] chain;
    final PrivateKey key;
    final byte[] fingerprint;

    private PemIdentity(X509Certificate[] chain, PrivateKey key, byte[] fingerprint) {
        this.chain = chain;
        this.key = key;
        this.fingerprint = fingerprint;
    }

    /** The server's own certificate. */
    X509Certificate leaf() {
        return chain[0];
    }

    /** The leaf's subject and validity, as the log says them. */
    String describe() {
        return leaf().getSubjectX500Principal().getName() + ", serial "
                + leaf().getSerialNumber().toString(16) + ", valid until "
                + leaf().getNotAfter().toInstant();
    }

    /** Why the leaf is not valid at {@code now} (expired, not yet valid), or null when it is. */
    String invalidAt(Instant now) {
        if (now.isAfter(leaf().getNotAfter().toInstant())) {
            return "expired on " + leaf().getNotAfter().toInstant();
        }
        if (now.isBefore(leaf().getNotBefore().toInstant())) {
            return "not valid before " + leaf().getNotBefore().toInstant();
        }
        return null;
    }

    /**
     * Both files' bytes hashed, without parsing them: what the reload compares at each check.
     *
     * @throws TlsSetupException a file cannot be read
     */
    static byte[] fingerprint(Path certFile, Path keyFile) {
        return hash(read(CERT_FLAG, certFile), read(KEY_FLAG, keyFile));
    }

    /**
     * Reads and checks both files.
     *
     * @throws TlsSetupException naming the file that cannot be used and why
     */
    static PemIdentity read(Path certFile, Path keyFile) {
        byte[] certBytes = read(CERT_FLAG, certFile);
        byte[] keyBytes = read(KEY_FLAG, keyFile);
        X509Certificate[] chain = certificates(certFile, new String(certBytes, StandardCharsets.US_ASCII));
        PrivateKey key = privateKey(keyFile, new String(keyBytes, StandardCharsets.US_ASCII), chain[0]);
        if (!matches(key, chain[0].getPublicKey())) {
            throw TlsSetupException.file(
                    KEY_FLAG,
                    keyFile,
                    "not the private key of " + CERT_FLAG + " " + certFile + " ("
                            + chain[0].getSubjectX500Principal().getName() + ")");
        }
        return new PemIdentity(chain, key, hash(certBytes, keyBytes));
    }

    private static byte[] read(String setting, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw TlsSetupException.file(setting, file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw TlsSetupException.file(setting, file, "not readable: permission denied", e);
        } catch (IOException e) {
            throw TlsSetupException.file(setting, file, "not readable: " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] certificates(Path file, String text) {
        List<X509Certificate> chain = new ArrayList<>();
        Matcher block = BLOCK.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (block.find()) {
                if (block.group(1).equals("CERTIFICATE")) {
                    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw TlsSetupException.file(
                    CERT_FLAG, file, "certificate " + (chain.size() + 1) + " is not valid: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw TlsSetupException.file(
                    CERT_FLAG,
                    file,
                    text.contains("PRIVATE KEY-----")
                            ? "holds a private key, no certificate (the key goes to " + KEY_FLAG + ")"
                            : "no PEM certificate in it (-----BEGIN CERTIFICATE-----)");
        }
        return chain.toArray(new X509Certificate[0]);
    }

    private static PrivateKey privateKey(Path file, String text, X509Certificate leaf) {
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            switch (block.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(file, Base64.getMimeDecoder().decode(block.group(2)), leaf);
                case "ENCRYPTED PRIVATE KEY":
                    throw TlsSetupException.file(
                            KEY_FLAG,
                            file,
                            "the key is encrypted; give it unencrypted: openssl pkcs8 -topk8 -nocrypt -in " + file
                                    + " -out key.pem");
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    // Netty reads PKCS#1 and SEC1 only with BouncyCastle on the classpath, which the
                    // edge does not ship for this one conversion.
                    throw TlsSetupException.file(
                            KEY_FLAG,
                            file,
                            (block.group(1).startsWith("RSA") ? "a PKCS#1 RSA key" : "a SEC1 EC key")
                                    + ", not PKCS#8; convert it: openssl pkcs8 -topk8 -nocrypt -in " + file
                                    + " -out key.pem");
                default:
                // Something else (parameters, a certificate): the key may follow.
            }
        }
        throw TlsSetupException.file(
                KEY_FLAG,
                file,
                text.contains("-----BEGIN CERTIFICATE-----")
                        ? "holds a certificate, no private key (-----BEGIN PRIVATE KEY-----)"
                        : "no PEM private key in it (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der, X509Certificate leaf) {
        String expected = leaf.getPublicKey().getAlgorithm();
        PrivateKey key = decode(expected, der);
        if (key != null) {
            return key;
        }
        for (String algorithm : KEY_ALGORITHMS) {
            key = decode(algorithm, der);
            if (key != null) {
                throw TlsSetupException.file(
                        KEY_FLAG,
                        file,
                        "an " + algorithm + " key, but the certificate of " + CERT_FLAG + " has an " + expected
                                + " key: not its private key");
            }
        }
        throw TlsSetupException.file(KEY_FLAG, file, "not a valid PKCS#8 private key");
    }

    private static PrivateKey decode(String algorithm, byte[] der) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a signature made with one verifies
     * with the other, which works the same for every key type the JDK signs with.
     */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            // A key type without a plain signature here (RSASSA-PSS needs parameters): the TLS
            // library's own check at the first handshake is the only one.
            return true;
        }
        try {
            byte[] challenge = "motioness tls key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] hash(byte[] cert, byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(cert);
            // The length between them: moving bytes from one file to the other changes the hash.
            digest.update(Integer.toString(cert.length).getBytes(StandardCharsets.US_ASCII));
            digest.update(key);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
