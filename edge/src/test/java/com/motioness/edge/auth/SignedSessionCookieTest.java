package com.motioness.edge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** better-auth's signed cookies, with the vectors produced by better-call's own signing function. */
class SignedSessionCookieTest {
    private static final String DEV_SECRET = "better-auth-secret-12345678901234567890";
    private static final String UNIT_SECRET = "my-32-char-secret-for-unit-tests!";

    @Test
    void theReferenceVectorsVerify() {
        assertEquals(
                "abcdefghijklmnopqrstuvwxyz012345",
                new SignedSessionCookie("better-auth", DEV_SECRET)
                        .verify("abcdefghijklmnopqrstuvwxyz012345.I9CRtBzOYKOp91pmsrUITzor0IvV8qog4R1ydDphbLY%3D"));
        assertEquals(
                "test",
                new SignedSessionCookie("better-auth", "test")
                        .verify("test.iM0hCLU0fZc885zfkFPX3UJwSHbYyam9ji0WglnT3fc%3D"));
        SignedSessionCookie unit = new SignedSessionCookie("better-auth", UNIT_SECRET);
        assertEquals(
                "Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE",
                unit.verify("Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE.0ygWs%2Bl9J8nUOfhkyQCIecmjA1r4ZdjAYU7M12XK6ns%3D"));
        assertEquals(
                "O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4",
                unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8%3D"));
    }

    @Test
    void anUnencodedValueWithAPlusStillVerifies() {
        // Percent-decoding happens only when there is a '%'; '+' is never a space.
        assertEquals(
                "Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE",
                new SignedSessionCookie("better-auth", UNIT_SECRET)
                        .verify("Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE.0ygWs+l9J8nUOfhkyQCIecmjA1r4ZdjAYU7M12XK6ns="));
        assertEquals(
                "Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE",
                new SignedSessionCookie("better-auth", UNIT_SECRET)
                        .verify("\"Z8m3kQ1vXy7RtB2nW4pL6sD9fH0jC5aE.0ygWs+l9J8nUOfhkyQCIecmjA1r4ZdjAYU7M12XK6ns=\""));
    }

    @Test
    void tamperedTruncatedUnsignedAndWrongSecretValuesFail() {
        String good = "O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8%3D";
        SignedSessionCookie unit = new SignedSessionCookie("better-auth", UNIT_SECRET);
        assertNull(new SignedSessionCookie("better-auth", "nope").verify(good), "wrong secret");
        assertNull(unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4"), "no signature");
        assertNull(
                unit.verify("P1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8%3D"),
                "token changed");
        assertNull(
                unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.oqoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8%3D"),
                "sig changed");
        assertNull(
                unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f9%3D"),
                "a non-canonical spelling of the right signature");
        assertNull(
                unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8"),
                "truncated");
        assertNull(unit.verify(".opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f8%3D"), "empty token");
        assertNull(
                unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.opoMvH52zENORSnyxVbYT9Y9YUV80lX5pM9PU1aD7f%3D%3D"),
                "two =");
        assertNull(unit.verify("O1kThqiQEcSpzqCDfxuGiP7CzPcbl7h4.%ZZ"), "bad percent");
        assertNull(unit.verify(""));
        assertNull(unit.verify(null));
    }

    @Test
    void theCookieIsFoundByEitherNameFirstOccurrenceWins() {
        SignedSessionCookie cookies = new SignedSessionCookie("better-auth", "test");
        String value = "test.iM0hCLU0fZc885zfkFPX3UJwSHbYyam9ji0WglnT3fc%3D";
        assertEquals("test", cookies.verifiedToken("theme=dark; better-auth.session_token=" + value));
        assertEquals("test", cookies.verifiedToken("__Secure-better-auth.session_token=" + value));
        assertNull(
                cookies.verifiedToken(
                        "better-auth.session_token=forged.iM0hCLU0fZc885zfkFPX3UJwSHbYyam9ji0WglnT3fc%3D; "
                                + "better-auth.session_token=" + value),
                "the first occurrence is the one that counts");
        assertNull(cookies.verifiedToken("better-auth.session_data=" + value), "the cache cookie is ignored");
        assertEquals("test", new SignedSessionCookie("myapp", "test").verifiedToken("myapp.session_token=" + value));
        assertNull(cookies.verifiedToken(null));
    }

    @Test
    void theSecretComesFromBetterAuthsVariables() {
        assertEquals(
                "abc",
                SignedSessionCookie.secretFromEnvironment(
                        Map.of("BETTER_AUTH_SECRETS", "2:abc,1:xyz", "BETTER_AUTH_SECRET", "other")));
        assertEquals(
                "s1",
                SignedSessionCookie.secretFromEnvironment(Map.of("BETTER_AUTH_SECRET", "s1", "AUTH_SECRET", "s2")));
        assertEquals("s2", SignedSessionCookie.secretFromEnvironment(Map.of("AUTH_SECRET", "s2")));
        assertEquals(DEV_SECRET, SignedSessionCookie.secretFromEnvironment(Map.of()));
    }
}
