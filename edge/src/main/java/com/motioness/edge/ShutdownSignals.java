package com.motioness.edge;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * SIGTERM and SIGINT handled by the edge itself rather than by a shutdown hook: a hook cannot
 * tell a second signal from the first (the JVM ignores it while hooks run), and a second signal
 * must end a draining process at once. Uses {@code sun.misc.Signal} (module jdk.unsupported, in
 * every HotSpot JDK) through reflection, since javac warns about it unconditionally and warnings
 * fail this build; where it is missing, the caller falls back to a shutdown hook.
 */
final class ShutdownSignals {
    private ShutdownSignals() {}

    /**
     * @param first runs on the first TERM or INT (on the JVM's signal thread: hand work off)
     * @param again runs on every later one, with the signal's number
     * @return false when signals cannot be handled here
     */
    static boolean install(Runnable first, IntConsumer again) {
        AtomicInteger received = new AtomicInteger();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method number = signalClass.getMethod("getNumber");
            Object handler = Proxy.newProxyInstance(
                    handlerClass.getClassLoader(),
                    new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            if (received.getAndIncrement() == 0) {
                                first.run();
                            } else {
                                again.accept((Integer) number.invoke(args[0]));
                            }
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "motioness-signal-handler";
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : new String[] {"TERM", "INT"}) {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
