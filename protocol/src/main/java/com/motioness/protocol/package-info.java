/**
 * The wire contract of the Motioness event stream: the closed set of {@link
 * com.motioness.protocol.EventType event types}, the validated {@link
 * com.motioness.protocol.AssetEvent event value}, its JSON form ({@link
 * com.motioness.protocol.EventJson}) and its stream position ({@link com.motioness.protocol.EventId}).
 *
 * <p>Everything here is shared by the ingest side (which validates what producers send) and the
 * delivery side (which frames events for EventSource clients), so both sides agree on the same
 * rules byte for byte.
 */
package com.motioness.protocol;
