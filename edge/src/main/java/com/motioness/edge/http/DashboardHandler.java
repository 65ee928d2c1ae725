package com.motioness.edge.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Answers the dashboard routes: its page's static files, and the redirect of {@code /dashboard} to them. */
final class DashboardHandler {
    private final DashboardFiles files;
    private final Http1Connection connection;

    DashboardHandler(DashboardFiles files, Http1Connection connection) {
        this.files = files;
        this.connection = connection;
    }

    void answer(Channel channel, HttpRequest request, Route route, boolean keepAlive) {
        if (route.kind == Route.Kind.DASHBOARD_BASE) {
            // The page's relative URLs resolve against /dashboard/; keep the query (project, key).
            String target = request.uri();
            int query = target.indexOf('?');
            String location = Route.DASHBOARD_PREFIX + (query < 0 ? "" : target.substring(query));
            Responses.empty(
                    channel,
                    HttpResponseStatus.MOVED_PERMANENTLY,
                    keepAlive,
                    response ->
                            response.header(HttpHeaderNames.LOCATION, location).header(HttpNames.CONTENT_LENGTH, 0));
            connection.answered(keepAlive);
            return;
        }
        DashboardFiles.File file = files.find(route.id);
        if (file == null) {
            connection.answer(
                    ApiError.of(
                            HttpResponseStatus.NOT_FOUND,
                            "not_found",
                            "no dashboard file " + ApiError.abbreviate(route.id)),
                    CorsPolicy.NONE,
                    null,
                    keepAlive);
            return;
        }
        files.write(
                channel,
                file,
                request.headers().get(HttpHeaderNames.IF_NONE_MATCH),
                connection.answeringHead(),
                keepAlive);
        connection.answered(keepAlive);
    }
}
