package com.motioness.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The dashboard page's three files, read once from the classpath when the server starts and
 * served from memory. The names are a fixed list: a request names one of them exactly or gets a
 * 404, so no path, encoded or not, can reach anything else.
 *
 * <p>Caching: the names carry no content hash (there is no build step to add one), so every file
 * is {@code Cache-Control: no-cache} with a strong ETag: a browser revalidates each load and gets a
 * body-less 304 while the jar is unchanged, and a new jar is picked up at once.
 */
final class DashboardFiles {
    /** Where the files live on the classpath, beside this class. */
    private static final String RESOURCE_DIR = "dashboard/";

    static final String INDEX = "index.html";

    private static final AsciiString ETAG = AsciiString.cached("ETag");
    private static final AsciiString IF_NONE_MATCH = AsciiString.cached("If-None-Match");
    private static final AsciiString NO_CACHE = AsciiString.cached("no-cache");
    private static final AsciiString NOSNIFF_HEADER = AsciiString.cached("X-Content-Type-Options");
    private static final AsciiString CSP_HEADER = AsciiString.cached("Content-Security-Policy");
    private static final AsciiString REFERRER_POLICY = AsciiString.cached("Referrer-Policy");
    private static final AsciiString SET_COOKIE = AsciiString.cached("Set-Cookie");
    /**
     * The page runs its one module and stylesheet and talks to its own origin only; nothing
     * inline, so an event field that reached the DOM as markup could still not run.
     */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** One file: its bytes, type and validator. */
    record File(String name, byte[] body, AsciiString contentType, String etag) {}

    private final Map<String, File> files;
    /** The Set-Cookie value given with the page in --demo mode, else null. */
    private final String demoCookie;

    private DashboardFiles(Map<String, File> files, String demoCookie) {
        this.files = files;
        this.demoCookie = demoCookie;
    }

    /**
     * @param demoSessionCookie {@code name=value} of the demo's development session, set with the
     *     page so the demo's activity feed works without signing in; null outside {@code --demo}
     */
    static DashboardFiles load(String demoSessionCookie) {
        Map<String, File> files = Map.of(
                INDEX,
                read(INDEX, "text/html; charset=utf-8"),
                "dashboard.js",
                read("dashboard.js", "text/javascript; charset=utf-8"),
                "dashboard.css",
                read("dashboard.css", "text/css; charset=utf-8"));
        // HttpOnly: page scripts never need the token; SameSite=Lax: other sites cannot ride it.
        String cookie = demoSessionCookie == null ? null : demoSessionCookie + "; Path=/; HttpOnly; SameSite=Lax";
        return new DashboardFiles(files, cookie);
    }

    private static File read(String name, String contentType) {
        try (InputStream in = DashboardFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the jar: " + RESOURCE_DIR + name);
            }
            byte[] body = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = '"' + HexFormat.of().formatHex(digest, 0, 16) + '"';
            return new File(name, body, AsciiString.cached(contentType), etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param name the path after {@code /dashboard/}, empty for the page; @return the file, or null */
    File find(String name) {
        return files.get(name.isEmpty() ? INDEX : name);
    }

    /**
     * Answers a GET or HEAD of {@code file}: 200 with the body (none for HEAD), or 304 when
     * {@code ifNoneMatch} names the current ETag.
     */
    void write(Channel channel, File file, String ifNoneMatch, boolean head, boolean keepAlive) {
        boolean notModified = ifNoneMatch != null && matches(ifNoneMatch, file.etag());
        ResponseHead response = ResponseHead.status(
                        channel, notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK)
                .header(ETAG, file.etag())
                .header(HttpNames.CACHE_CONTROL, NO_CACHE);
        if (!notModified) {
            response.header(HttpNames.CONTENT_TYPE, file.contentType())
                    .header(HttpNames.CONTENT_LENGTH, file.body().length)
                    .header(NOSNIFF_HEADER, "nosniff");
        }
        if (file.name().equals(INDEX)) {
            // The page's URL may carry a project key in its query: never send it on as a Referer.
            response.header(CSP_HEADER, CSP).header(REFERRER_POLICY, "no-referrer");
            if (demoCookie != null) {
                response.header(SET_COOKIE, demoCookie);
            }
        }
        if (!keepAlive) {
            response.header(HttpNames.CONNECTION, "close");
        }
        ByteBuf out = response.end();
        if (!notModified && !head) {
            out.writeBytes(file.body());
        }
        Responses.finish(channel, out, keepAlive);
    }

    /** RFC 9110 weak comparison over a list of tags, or {@code *}. */
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
