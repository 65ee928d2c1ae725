package com.motioness.edge.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals and stops a process the test started, by its own handle or pid (never by name). */
final class Signals {
    private Signals() {}

    /** {@code kill -<signal> <pid>}, e.g. STOP to freeze a process as a long GC pause or a hung VM would. */
    static void send(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL, as a crash would end it; returns once it is gone (or after 10 s). */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
