package com.motioness.edge.config;

import static com.motioness.edge.config.Checks.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may do what: project keys for public streams, the ingest token, development sessions or
 * better-auth's sessions and membership, and how often an open stream checks them again.
 *
 * @param projectKeys project key to project id, from {@code --project-key}, {@code --keys-file} and the demo
 * @param flagProjectKeys the keys given by {@code --project-key} (and the demo's) alone, without the keys file
 * @param keysFile {@code --keys-file}, or null
 * @param keyRecheck {@code --key-recheck}: how often an open public stream checks that its project key is still
 *     enabled
 * @param devSessions session token to session, from {@code --dev-session} and the demo
 * @param ingestToken {@code --ingest-token}, or null when ingest is disabled
 * @param sessionStore {@code --session-store}: the better-auth session store: redis://… (secondary storage) or
 *     jdbc:postgresql://… (session table); null: development sessions
 * @param sessionKeyPrefix {@code --session-key-prefix}: prefix of session keys in Redis secondary storage
 * @param authSecret {@code --auth-secret}: better-auth's secret; null: from BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET,
 *     AUTH_SECRET or its development default
 * @param authCookiePrefix {@code --auth-cookie-prefix}: better-auth's cookie prefix
 * @param membership {@code --membership}: where membership lives: jdbc:postgresql://… or redis://…
 * @param membershipQuery {@code --membership-query}: the SQL membership query (user id, project id)
 * @param membershipCache {@code --membership-cache}: how long a membership answer is cached per node
 * @param sessionRecheck {@code --session-recheck}: how often an open dashboard stream re-checks its session
 */
public record AuthSettings(
        Map<String, String> projectKeys,
        Map<String, String> flagProjectKeys,
        Path keysFile,
        Duration keyRecheck,
        Map<String, DevSession> devSessions,
        String ingestToken,
        String sessionStore,
        String sessionKeyPrefix,
        String authSecret,
        String authCookiePrefix,
        String membership,
        String membershipQuery,
        Duration membershipCache,
        Duration sessionRecheck) {
    /** The demo's project. */
    public static final String DEMO_PROJECT = "demo";
    /** The demo's public project key. */
    public static final String DEMO_KEY = "demo-key-0123456789";
    /** The demo's development session cookie value. */
    public static final String DEMO_SESSION = "demo-session";

    /** {@code --ingest-token}. */
    public static final Setting<String> INGEST_TOKEN = Setting.text(
                    "--ingest-token", "TOKEN", null, "Bearer token of POST /internal/events")
            .shown("none, ingest is off");
    /** {@code --project-key}. */
    public static final Setting<Map<String, String>> PROJECT_KEYS = Setting.list(
            "--project-key",
            "KEY=PROJECT_ID",
            ",",
            Map.of(),
            keys -> pairs("--project-key", keys),
            "A public project key; repeatable");
    /** {@code --keys-file}. */
    public static final Setting<Path> KEYS_FILE =
            Setting.path("--keys-file", "PATH", "More keys: one KEY=PROJECT_ID per line, # comments");
    /** {@code --key-recheck}. */
    public static final Setting<Duration> KEY_RECHECK = Setting.duration(
            "--key-recheck",
            Duration.ofSeconds(5),
            "How often an open public stream checks its project key is still enabled");
    // Its value holds commas, so its list separator is ';', which a cookie value (RFC 6265
    // cookie-octet) and a project id cannot hold.
    /** {@code --dev-session}. */
    public static final Setting<Map<String, DevSession>> DEV_SESSIONS = Setting.list(
            "--dev-session",
            "TOKEN=USER_ID:PROJECT_ID[,PROJECT_ID...]",
            ";",
            Map.of(),
            AuthSettings::sessions,
            "A development session cookie value and the projects it may read; repeatable. Not for production");
    /** {@code --session-store}. */
    public static final Setting<String> SESSION_STORE = Setting.text(
                    "--session-store",
                    "URI",
                    null,
                    "better-auth sessions: redis://… (secondary storage) or jdbc:postgresql://… (session table)")
            .shown("none, development sessions");
    /** {@code --session-key-prefix}. */
    public static final Setting<String> SESSION_KEY_PREFIX = Setting.text(
            "--session-key-prefix", "PREFIX", "better-auth:", "Prefix of session keys in Redis secondary storage");
    /** {@code --auth-secret}. */
    public static final Setting<String> AUTH_SECRET = Setting.text(
                    "--auth-secret", "SECRET", null, "better-auth's secret")
            .shown("BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET, or its development default");
    /** {@code --auth-cookie-prefix}. */
    public static final Setting<String> AUTH_COOKIE_PREFIX =
            Setting.text("--auth-cookie-prefix", "PREFIX", "better-auth", "better-auth's cookie prefix");
    /** {@code --membership}. */
    public static final Setting<String> MEMBERSHIP = Setting.text(
            "--membership",
            "URI",
            null,
            "Who may read which project: jdbc:postgresql://… (a query) or redis://… (project member sets)");
    /**
     * {@code --membership-query}; its default follows better-auth's organization plugin (table {@code member}) and a
     * {@code project} table naming each project's organization: a member of the organization that owns the project.
     */
    public static final Setting<String> MEMBERSHIP_QUERY = Setting.text(
                    "--membership-query",
                    "SQL",
                    "SELECT 1 FROM \"member\" m JOIN \"project\" p ON p.\"organizationId\" = m.\"organizationId\""
                            + " WHERE m.\"userId\" = ? AND p.\"id\" = ? LIMIT 1",
                    "Membership query with two ? (user id, project id); a row means yes")
            .shown("member of the project's organization");
    /** {@code --membership-cache}. */
    public static final Setting<Duration> MEMBERSHIP_CACHE = Setting.duration(
            "--membership-cache",
            Duration.ofSeconds(30),
            "How long a membership answer, yes or no, is cached per node");
    /** {@code --session-recheck}. */
    public static final Setting<Duration> SESSION_RECHECK = Setting.duration(
                    "--session-recheck",
                    Duration.ofSeconds(60),
                    "How often an open dashboard stream checks that its session still lives")
            .shown("60s");
    /** Every setting of this concern, in the order of {@code --help}. */
    public static final List<Setting<?>> SETTINGS = List.of(
            INGEST_TOKEN,
            PROJECT_KEYS,
            KEYS_FILE,
            KEY_RECHECK,
            DEV_SESSIONS,
            SESSION_STORE,
            SESSION_KEY_PREFIX,
            AUTH_SECRET,
            AUTH_COOKIE_PREFIX,
            MEMBERSHIP,
            MEMBERSHIP_QUERY,
            MEMBERSHIP_CACHE,
            SESSION_RECHECK);

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:~-]{1,128}");

    /** A development session: the user and the projects they may read. */
    public record DevSession(String userId, Set<String> projectIds) {
        /** Copies the set. */
        public DevSession {
            projectIds = Set.copyOf(projectIds);
        }
    }

    /**
     * Validates every value.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid one
     */
    public AuthSettings {
        projectKeys = Map.copyOf(projectKeys);
        flagProjectKeys = Map.copyOf(flagProjectKeys);
        devSessions = Map.copyOf(devSessions);
        projectKeys.forEach((key, project) -> {
            check(
                    KEY.matcher(key).matches(),
                    "--project-key key must be 8-128 characters of A-Z a-z 0-9 _ -, got \"" + key + "\"");
            check(
                    ID.matcher(project).matches(),
                    "--project-key project id must be 1-128 characters of " + "A-Z a-z 0-9 . _ : ~ -, got \"" + project
                            + "\"");
        });
        devSessions.forEach((token, session) -> {
            check(!token.isEmpty(), "--dev-session token must not be empty");
            check(session.userId() != null && !session.userId().isEmpty(), "--dev-session user must not be empty");
            session.projectIds()
                    .forEach(project -> check(
                            ID.matcher(project).matches(),
                            "--dev-session project id \"" + project + "\" is not a valid id"));
        });
        check(ingestToken == null || ingestToken.length() >= 16, "--ingest-token must be at least 16 characters");
        check(
                sessionStore == null
                        || sessionStore.startsWith("redis://")
                        || sessionStore.startsWith("rediss://")
                        || sessionStore.startsWith("jdbc:postgresql:"),
                "--session-store must be redis://… or jdbc:postgresql://…, got \"" + sessionStore + "\"");
        check(sessionStore == null || membership != null, "--session-store needs --membership: who may read what");
        check(
                membership == null
                        || membership.startsWith("redis://")
                        || membership.startsWith("rediss://")
                        || membership.startsWith("jdbc:postgresql:"),
                "--membership must be jdbc:postgresql://… or redis://…, got \"" + membership + "\"");
        check(
                membershipQuery != null
                        && membershipQuery.chars().filter(c -> c == '?').count() == 2,
                "--membership-query must have two ? parameters: user id, then project id");
        check(authSecret == null || !authSecret.isEmpty(), "--auth-secret must not be empty");
        check(authCookiePrefix != null && !authCookiePrefix.isEmpty(), "--auth-cookie-prefix must not be empty");
        check(membershipCache != null && !membershipCache.isNegative(), "--membership-cache must not be negative");
        SESSION_RECHECK.positive(sessionRecheck);
        KEY_RECHECK.positive(keyRecheck);
    }

    /** Merges the keys file and, with {@code demo}, the demo's key and session into the given settings. */
    static AuthSettings from(SettingValues values, boolean demo) {
        Map<String, String> flagKeys = new LinkedHashMap<>(values.get(PROJECT_KEYS));
        Map<String, DevSession> sessions = new LinkedHashMap<>(values.get(DEV_SESSIONS));
        String sessionStore = values.get(SESSION_STORE);
        Map<String, String> keys = new LinkedHashMap<>(flagKeys);
        Path keysFile = values.get(KEYS_FILE);
        if (keysFile != null) {
            ProjectKeysFile.read(keysFile).forEach((key, project) -> addKey(keys, key, project, "--keys-file"));
        }
        if (demo) {
            keys.putIfAbsent(DEMO_KEY, DEMO_PROJECT);
            flagKeys.putIfAbsent(DEMO_KEY, DEMO_PROJECT);
            sessions.putIfAbsent(DEMO_SESSION, new DevSession("demo-user", Set.of(DEMO_PROJECT)));
        }
        AuthSettings auth = new AuthSettings(
                keys,
                flagKeys,
                keysFile,
                values.get(KEY_RECHECK),
                sessions,
                values.get(INGEST_TOKEN),
                sessionStore,
                values.get(SESSION_KEY_PREFIX),
                values.get(AUTH_SECRET),
                values.get(AUTH_COOKIE_PREFIX),
                values.get(MEMBERSHIP),
                values.get(MEMBERSHIP_QUERY),
                values.get(MEMBERSHIP_CACHE),
                values.get(SESSION_RECHECK));
        // The demo's session is known whatever the store: only sessions the operator gave exclude one.
        check(
                sessionStore == null || values.get(DEV_SESSIONS).isEmpty(),
                "--dev-session and --session-store exclude each other");
        return auth;
    }

    private static void addKey(Map<String, String> keys, String key, String project, String source) {
        String before = keys.putIfAbsent(key, project);
        check(
                before == null || before.equals(project),
                source + " maps key " + key + " to " + project + ", but it already maps to " + before);
    }

    private static Map<String, String> pairs(String flag, List<String> values) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new IllegalArgumentException(flag + " expects KEY=VALUE, got \"" + value + "\"");
            }
            String before = pairs.putIfAbsent(value.substring(0, eq), value.substring(eq + 1));
            if (before != null && !before.equals(value.substring(eq + 1))) {
                throw new IllegalArgumentException(flag + " gives key " + value.substring(0, eq) + " two projects");
            }
        }
        return pairs;
    }

    private static Map<String, DevSession> sessions(List<String> values) {
        Map<String, DevSession> sessions = new LinkedHashMap<>();
        pairs("--dev-session", values).forEach((token, grant) -> {
            int colon = grant.indexOf(':');
            if (colon <= 0 || colon == grant.length() - 1) {
                throw new IllegalArgumentException(
                        "--dev-session expects TOKEN=USER_ID:PROJECT_ID[,PROJECT_ID...], got \"" + token + "=" + grant
                                + "\"");
            }
            Set<String> projects =
                    new LinkedHashSet<>(List.of(grant.substring(colon + 1).split(",")));
            sessions.put(token, new DevSession(grant.substring(0, colon), projects));
        });
        return sessions;
    }
}
