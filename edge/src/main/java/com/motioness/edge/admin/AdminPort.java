package com.motioness.edge.admin;

import com.motioness.edge.config.OpsSettings;
import com.motioness.edge.metrics.EdgeMetrics;
import com.motioness.edge.transport.ListenerBindException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Starts the admin port ({@code --admin-port} on {@code --admin-bind}) with its readiness check. */
public final class AdminPort {
    private AdminPort() {}

    /**
     * Starts the admin server, or none when {@code --admin-port} is -1.
     *
     * @param logProblem why the shared log cannot serve, or null when it can; null for a log that always can
     *     (the embedded one)
     * @param draining true once the node drains
     * @throws ListenerBindException the port cannot be bound
     */
    public static AdminServer start(
            OpsSettings ops, EdgeMetrics metrics, Supplier<String> logProblem, BooleanSupplier draining) {
        if (ops.adminPort() < 0) {
            return null;
        }
        InetSocketAddress address = ListenerBindException.address("--admin-port", ops.adminBind(), ops.adminPort());
        try {
            return AdminServer.start(address, metrics, readiness(logProblem, draining));
        } catch (IOException e) {
            throw ListenerBindException.of("--admin-port", ops.adminBind(), ops.adminPort(), e);
        }
    }

    /**
     * Not ready while draining; else embedded, always; Redis: it answers and has the function
     * library (checked at most once a second).
     */
    private static Supplier<Readiness> readiness(Supplier<String> logProblem, BooleanSupplier draining) {
        Supplier<Readiness> ofLog = () -> Readiness.READY;
        if (logProblem != null) {
            ofLog = new CachedCheck(
                    () -> {
                        String problem = logProblem.get();
                        return problem == null ? Readiness.READY : Readiness.notReady(problem);
                    },
                    TimeUnit.SECONDS.toNanos(1),
                    System::nanoTime);
        }
        Supplier<Readiness> check = ofLog;
        return () -> draining.getAsBoolean() ? Readiness.notReady("draining: this node is shutting down") : check.get();
    }
}
