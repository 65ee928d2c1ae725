package com.motioness.perf.webhook;

/**
 * How the receiver answers one endpoint's deliveries, switchable while it runs: {@code ok} (204),
 * {@code fail:<status>} (that status), {@code hang} (reads the request, never answers) or
 * {@code close} (closes the connection without an answer).
 */
public record EndpointMode(Kind kind, int status) {
    /** The answer's kind. */
    public enum Kind {
        OK,
        FAIL,
        HANG,
        CLOSE
    }

    /** Every delivery accepted. */
    public static final EndpointMode OK = new EndpointMode(Kind.OK, 204);

    /**
     * Reads {@code ok}, {@code fail:503}, {@code hang} or {@code close}.
     *
     * @throws IllegalArgumentException for anything else, or a failing status outside 100..599
     */
    public static EndpointMode parse(String text) {
        String t = text.trim();
        if (t.equals("ok")) {
            return OK;
        }
        if (t.equals("hang")) {
            return new EndpointMode(Kind.HANG, 0);
        }
        if (t.equals("close")) {
            return new EndpointMode(Kind.CLOSE, 0);
        }
        if (t.startsWith("fail:")) {
            int status;
            try {
                status = Integer.parseInt(t.substring("fail:".length()));
            } catch (NumberFormatException e) {
                status = -1;
            }
            if (status >= 100 && status <= 599) {
                return new EndpointMode(Kind.FAIL, status);
            }
        }
        throw new IllegalArgumentException("a mode is ok, fail:<status>, hang or close, got \"" + text + "\"");
    }
}
