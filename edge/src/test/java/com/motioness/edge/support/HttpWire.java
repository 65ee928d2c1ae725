package com.motioness.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Plain-socket HTTP/1.1 for tests: sends bytes exactly as written, reads responses exactly as sent. */
public final class HttpWire {
    private HttpWire() {}

    /** Connects to the edge on loopback with a read timeout. */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** True when nothing listens on the port any more (a connection is refused). */
    public static boolean refusesConnections(int port) {
        try {
            connect(port).close();
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    /** Sends a raw request and reads one complete response. */
    public static RawResponse exchange(int port, String rawRequest) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(rawRequest.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return readResponse(socket.getInputStream());
        }
    }

    /**
     * Sends raw bytes on a new connection and reads the one answer they get; fails if anything but
     * the end of the connection follows it (one request, one response). The server may close before
     * it has read everything: what could not be sent is not an error.
     */
    public static RawResponse exchangeThenClosed(int port, String rawRequest) throws IOException {
        try (Socket socket = connect(port)) {
            try {
                socket.getOutputStream().write(rawRequest.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // Answered and closed before the rest arrived: the answer is still readable.
            }
            InputStream in = socket.getInputStream();
            RawResponse answer = readResponse(in);
            byte[] more = readUntilClosed(in);
            if (more.length > 0) {
                throw new AssertionError("after the " + answer.status() + " answer, more came before the close: "
                        + new String(more, StandardCharsets.ISO_8859_1));
            }
            return answer;
        }
    }

    /** A GET with the given extra header lines ("Name: value"). */
    public static RawResponse get(int port, String path, String... headerLines) throws IOException {
        return exchange(port, request("GET", path, null, headerLines));
    }

    /** Builds a request; Host and Connection: close are added, and Content-Length for a body. */
    public static String request(String method, String path, String body, String... headerLines) {
        StringBuilder request = new StringBuilder()
                .append(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n");
        }
        request.append("\r\n");
        if (body != null) {
            request.append(body);
        }
        return request.toString();
    }

    /** Reads a status line and headers; the stream is left at the first body byte. */
    public static RawResponse readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        return new RawResponse(status, headers, new byte[0]);
    }

    /** Reads a whole response: head, then a body by Content-Length, chunks, or to the close. */
    public static RawResponse readResponse(InputStream in) throws IOException {
        RawResponse head = readHead(in);
        byte[] body;
        String length = head.header("content-length");
        if (head.status() == 204 || head.status() == 304) {
            body = new byte[0];
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            body = readChunkedBody(in);
        } else {
            body = in.readAllBytes();
        }
        return new RawResponse(head.status(), head.headers(), body);
    }

    private static byte[] readChunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(readLine(in).trim(), 16);
            if (size == 0) {
                readLine(in);
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    /**
     * Reads to the end of the stream or to a reset, whichever comes: what arrived before a reset
     * (which the edge sends to a client it cut for not reading) is kept, unlike {@code readAllBytes}.
     */
    public static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                read.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // The end, as far as this client is concerned.
        }
        return read.toByteArray();
    }

    /** Reads one CRLF-terminated line as ISO-8859-1, or null at end of stream. */
    public static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
