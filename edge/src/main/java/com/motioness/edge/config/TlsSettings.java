package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * TLS on the public port: the certificate and key files, which TLS implementation serves them, how
 * often the files are checked for a renewal, and the optional cleartext listener kept for a load
 * balancer that terminates TLS itself. Without a certificate the public port is cleartext and
 * nothing else here applies.
 *
 * @param cert {@code --tls-cert}: PEM certificate chain, the server's certificate first; null: no TLS
 * @param key {@code --tls-key}: its unencrypted PKCS#8 PEM private key; null: no TLS
 * @param provider {@code --tls-provider}
 * @param reloadCheck {@code --tls-reload-check}: how often both files are read again and compared
 * @param cleartextPort {@code --cleartext-port}: a second, cleartext listener on {@code --bind}; 0: any free
 *     port; null: none
 */
public record TlsSettings(Path cert, Path key, Provider provider, Duration reloadCheck, Integer cleartextPort) {
    /** Which TLS implementation serves the public port. */
    public enum Provider {
        /** OpenSSL (netty-tcnative's BoringSSL) where it loads, else the JDK's. */
        AUTO,
        /** OpenSSL only: the edge does not start without it. */
        OPENSSL,
        /** The JDK's own TLS. */
        JDK;

        /** Its name on the command line. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code --tls-cert}. */
    public static final Setting<Path> CERT = Setting.path(
            "--tls-cert",
            "PATH",
            "PEM certificate chain of the public port, the server's certificate first; with --tls-key, --port "
                    + "speaks TLS only; read again when it changes");
    /** {@code --tls-key}. */
    public static final Setting<Path> KEY = Setting.path(
            "--tls-key", "PATH", "Unencrypted PKCS#8 PEM private key of --tls-cert; read again when it changes");
    /** {@code --tls-provider}. */
    public static final Setting<Provider> PROVIDER = Setting.of(
            "--tls-provider",
            "auto|openssl|jdk",
            Provider.class,
            new ProviderConverter(),
            Provider.AUTO,
            "auto",
            "TLS implementation: openssl (BoringSSL through netty-tcnative), jdk, or auto (openssl where it "
                    + "loads, else jdk)");
    /** {@code --tls-reload-check}. */
    public static final Setting<Duration> RELOAD_CHECK = Setting.duration(
            "--tls-reload-check",
            Duration.ofSeconds(60),
            "How often --tls-cert and --tls-key are read again; a change serves new connections the new "
                    + "certificate, open ones keep theirs");
    /** {@code --cleartext-port}; null unless given: none. */
    public static final Setting<Integer> CLEARTEXT_PORT = Setting.of(
            "--cleartext-port",
            "PORT",
            Integer.class,
            null,
            null,
            "none",
            "With TLS on --port, a second listener in cleartext serving the same routes, for a load balancer "
                    + "that terminates TLS; 0 picks a free one");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(CERT, KEY, PROVIDER, RELOAD_CHECK, CLEARTEXT_PORT);

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public TlsSettings {
        check(
                (cert == null) == (key == null),
                cert == null
                        ? "--tls-key needs --tls-cert: give both or neither"
                        : "--tls-cert needs --tls-key: give both or neither");
        check(provider != null, "--tls-provider must be auto, openssl or jdk");
        check(
                reloadCheck != null && reloadCheck.compareTo(Duration.ofMillis(100)) >= 0,
                "--tls-reload-check must be at least 100ms, got " + Checks.shown(reloadCheck));
        if (cleartextPort != null) {
            CLEARTEXT_PORT.range(cleartextPort, 0, 65_535);
            check(
                    cert != null,
                    "--cleartext-port needs --tls-cert and --tls-key: without them --port is cleartext already");
        }
    }

    /** True when the public port speaks TLS. */
    public boolean enabled() {
        return cert != null;
    }

    static TlsSettings from(SettingValues values, int port) {
        Integer cleartext = values.get(CLEARTEXT_PORT);
        check(
                cleartext == null || cleartext == 0 || cleartext != port,
                "--cleartext-port must differ from --port, both are " + port);
        return new TlsSettings(
                values.get(CERT), values.get(KEY), values.get(PROVIDER), values.get(RELOAD_CHECK), cleartext);
    }

    /** Converts {@code auto}, {@code openssl} or {@code jdk}. */
    static final class ProviderConverter implements CommandLine.ITypeConverter<Provider> {
        @Override
        public Provider convert(String value) {
            for (Provider provider : Provider.values()) {
                if (provider.label().equals(value)) {
                    return provider;
                }
            }
            throw new CommandLine.TypeConversionException("expected auto, openssl or jdk, got \"" + value + "\"");
        }
    }
}
