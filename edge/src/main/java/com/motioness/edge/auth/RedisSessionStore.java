package com.motioness.edge.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;

/**
 * Sessions in better-auth's Redis secondary storage: the key is the raw token with the storage
 * adapter's prefix ({@code better-auth:} with {@code @better-auth/redis-storage}, none with a
 * hand-written adapter), the value {@code {"session":{...,"userId","expiresAt":"<ISO-8601>"},
 * "user":{...}}}. Revocation deletes the key, so a missing key is no session.
 */
public final class RedisSessionStore implements SessionStore {
    private static final JsonFactory JSON = new JsonFactory();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;

    /**
     * @param uri the Redis better-auth uses as secondary storage
     * @param keyPrefix prepended to the token to form the key
     */
    public RedisSessionStore(String uri, String keyPrefix) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.keyPrefix = keyPrefix;
    }

    @Override
    public CompletableFuture<StoredSession> find(String token) {
        return connection
                .async()
                .get(keyPrefix + token)
                .toCompletableFuture()
                .thenApply(value -> value == null ? null : parse(value));
    }

    /** Reads the session's user and expiry from the stored JSON; null when they are not there. */
    static StoredSession parse(String value) {
        String userId = null;
        String fallbackUserId = null;
        String expiresAt = null;
        try (JsonParser json = JSON.createParser(value)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String section = json.currentName();
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    json.skipChildren();
                    continue;
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    JsonToken token = json.nextToken();
                    if (token == JsonToken.VALUE_STRING && section.equals("session") && field.equals("userId")) {
                        userId = json.getText();
                    } else if (token == JsonToken.VALUE_STRING
                            && section.equals("session")
                            && field.equals("expiresAt")) {
                        expiresAt = json.getText();
                    } else if (token == JsonToken.VALUE_STRING && section.equals("user") && field.equals("id")) {
                        fallbackUserId = json.getText();
                    } else {
                        json.skipChildren();
                    }
                }
            }
        } catch (IOException malformed) {
            return null;
        }
        String user = userId != null ? userId : fallbackUserId;
        if (user == null || expiresAt == null) {
            return null;
        }
        try {
            return new StoredSession(user, Instant.parse(expiresAt));
        } catch (DateTimeParseException badDate) {
            return null;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
