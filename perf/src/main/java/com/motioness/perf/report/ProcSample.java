package com.motioness.perf.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory and CPU time of the server processes, read from {@code /proc}: what a stream
 * costs the server in memory and what a million deliveries cost it in CPU, measured from outside
 * (so the same numbers come out for the edge and for Nginx).
 *
 * @param rssKib resident set, summed over the processes, in KiB ({@code VmRSS})
 * @param cpuTicks user + system time, summed, in clock ticks of 1/100 s (Linux's USER_HZ)
 */
public record ProcSample(long rssKib, long cpuTicks) {
    private static final double TICKS_PER_SECOND = 100.0;

    /** Reads every process now; an empty list gives zeros. */
    public static ProcSample of(List<Long> pids) throws IOException {
        long rss = 0;
        long ticks = 0;
        for (long pid : pids) {
            rss += rssKib(pid);
            ticks += cpuTicks(pid);
        }
        return new ProcSample(rss, ticks);
    }

    /** CPU seconds between an earlier sample and this one. */
    public double cpuSecondsSince(ProcSample earlier) {
        return (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND;
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
        }
        return 0;
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
