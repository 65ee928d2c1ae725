package com.motioness.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingFieldsTest {

    private static final String ROUTING = "\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":\"p1\"";

    private static RoutingFields scan(final String json) throws EventValidationException {
        return RoutingFields.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRoutes(
            final String json, final EventType type, final String projectId, final String assetId)
            throws EventValidationException {
        final RoutingFields routing = scan(json);
        assertEquals(type, routing.type(), json);
        assertEquals(projectId, routing.projectId(), json);
        assertEquals(assetId, routing.assetId(), json);
    }

    private static void assertUnroutable(final String json, final String field) {
        assertUnroutable(json.getBytes(StandardCharsets.UTF_8), field);
    }

    private static void assertUnroutable(final byte[] json, final String field) {
        final EventValidationException e = assertThrows(
                EventValidationException.class,
                () -> RoutingFields.scan(json),
                () -> new String(json, StandardCharsets.UTF_8));
        assertEquals(field, e.field(), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void routesEveryTypeAsTheDecoderDoes(final EventType type) throws EventValidationException {
        final String json = Examples.GOLDEN.get(type);
        final AssetEvent event = EventJson.decode(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(type, event.type());
        assertRoutes(json, type, event.projectId(), event.assetId());
    }

    @Test
    void fieldsMayComeInAnyOrder() throws EventValidationException {
        final List<String> fields = List.of(
                "\"type\":\"stage_completed\"",
                "\"asset_id\":\"a1\"",
                "\"project_id\":\"p1\"",
                "\"ts\":1764300000000",
                "\"stage\":\"upscale\"",
                "\"latency_ms\":812",
                "\"request_id\":\"req-1\"");
        final List<List<String>> orders = new ArrayList<>();
        permute(new ArrayList<>(fields), 0, orders);
        assertEquals(5040, orders.size());
        for (final List<String> order : orders) {
            assertRoutes("{" + String.join(",", order) + "}", EventType.STAGE_COMPLETED, "p1", "a1");
        }
    }

    private static void permute(final List<String> items, final int from, final List<List<String>> out) {
        if (from == items.size()) {
            out.add(List.copyOf(items));
            return;
        }
        for (int i = from; i < items.size(); i++) {
            Collections.swap(items, from, i);
            permute(items, from + 1, out);
            Collections.swap(items, from, i);
        }
    }

    @Test
    void readsOnlyTopLevelFieldsWhateverOtherValuesHold() throws EventValidationException {
        // Nested objects and arrays, and strings holding the names and whole fields, come first.
        assertRoutes(
                "{\"x\":{\"type\":\"ready\",\"project_id\":\"evil\",\"asset_id\":\"evil\",\"y\":{\"type\":1}},"
                        + "\"z\":[\"type\",{\"asset_id\":\"evil\"},[\"project_id\"]],"
                        + "\"error_msg\":\"\\\"type\\\":\\\"ready\\\",\\\"asset_id\\\":\\\"evil\\\"\","
                        + "\"stage\":\"type\",\"request_id\":\"project_id\"," + ROUTING + "}",
                EventType.QUEUED,
                "p1",
                "a1");
        // And a value of a routing field that holds another one's name.
        assertRoutes(
                "{\"type\":\"ready\",\"asset_id\":\"type\",\"project_id\":\"asset_id\"}",
                EventType.READY,
                "asset_id",
                "type");
    }

    @Test
    void readsEscapedNamesAndValues() throws EventValidationException {
        assertRoutes(
                "{\"\\u0074ype\":\"qu\\u0065ued\",\"asset\\u005fid\":\"a\\u002d1\",\"project_id\":\"p\\u0031\"}",
                EventType.QUEUED,
                "p1",
                "a-1");
        // An escaped quote does not end a string early, so what follows it inside stays text.
        assertRoutes(
                "{\"error_msg\":\"x\\\",\\\"type\\\":\\\"ready\",\"type\":\"failed\",\"asset_id\":\"a1\","
                        + "\"project_id\":\"p1\"}",
                EventType.FAILED,
                "p1",
                "a1");
    }

    @Test
    void stopsOnceItHasTheFields() throws EventValidationException {
        // Nothing after the three is read, not even malformed JSON.
        assertRoutes("{" + ROUTING + ",\"ts\":oops", EventType.QUEUED, "p1", "a1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"asset_id\":\"a1\",\"project_id\":\"p1\"}|type",
                "{\"type\":\"queued\",\"project_id\":\"p1\"}|asset_id",
                "{\"type\":\"queued\",\"asset_id\":\"a1\"}|project_id",
                "{}|type",
                "{\"type\":null,\"asset_id\":\"a1\",\"project_id\":\"p1\"}|type",
                "{\"type\":\"queued\",\"asset_id\":null,\"project_id\":\"p1\"}|asset_id",
                "{\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":null}|project_id",
            })
    void aMissingOrNullFieldIsUnroutable(final String json, final String field) {
        assertUnroutable(json, field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.5", "true", "{\"type\":\"queued\"}", "[\"queued\"]"})
    void aFieldThatIsNotAStringIsUnroutable(final String value) {
        assertUnroutable("{\"type\":" + value + ",\"asset_id\":\"a1\",\"project_id\":\"p1\"}", "type");
        assertUnroutable("{\"type\":\"queued\",\"asset_id\":" + value + ",\"project_id\":\"p1\"}", "asset_id");
        assertUnroutable("{\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":" + value + "}", "project_id");
    }

    @Test
    void valuesFollowTheContract() {
        assertUnroutable("{\"type\":\"Queued\",\"asset_id\":\"a1\",\"project_id\":\"p1\"}", "type");
        assertUnroutable("{\"type\":\"\",\"asset_id\":\"a1\",\"project_id\":\"p1\"}", "type");
        assertUnroutable("{\"type\":\"queued\",\"asset_id\":\"a 1\",\"project_id\":\"p1\"}", "asset_id");
        assertUnroutable("{\"type\":\"queued\",\"asset_id\":\"\",\"project_id\":\"p1\"}", "asset_id");
        assertUnroutable("{\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":\"p/1\"}", "project_id");
        assertUnroutable(
                "{\"type\":\"queued\",\"asset_id\":\"a1\",\"project_id\":\"" + "p".repeat(129) + "\"}", "project_id");
        assertUnroutable("{\"type\":\"queued\",\"type\":\"ready\",\"asset_id\":\"a1\",\"project_id\":\"p1\"}", "type");
    }

    @Test
    void aDocumentThatIsNotOneUtf8ObjectIsUnroutable() {
        for (final String json : List.of(
                "",
                " ",
                "[" + "{" + ROUTING + "}" + "]",
                "\"type\"",
                "null",
                "{\"type\"",
                "{\"type\":\"queued\",",
                "{\"type\":\"queued\" \"asset_id\"",
                "not json")) {
            assertUnroutable(json, "body");
        }
        for (final String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
            assertUnroutable(("{" + ROUTING + "}").getBytes(Charset.forName(charset)), "body");
        }
        final String padding = ",\"error_msg\":\"" + "x".repeat(EventJson.MAX_EVENT_BYTES) + "\"";
        assertUnroutable("{" + ROUTING + padding + "}", "body");
    }
}
