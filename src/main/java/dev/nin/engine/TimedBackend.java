package dev.nin.engine;

import dev.nin.model.Shape;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a real training step spends its time: a backend that forwards every call to another and times each
 * operation, waiting for the backend after it (so asynchronous work is charged to the op that queued it). Ops are
 * told apart by name and by the shape of their first tensor, e.g. {@code conv2dBackward [128, 96, 16, 16]}.
 * Timing adds a synchronisation per op; on the CPU, whose ops are synchronous, it changes nothing else.
 */
public final class TimedBackend {
    /** Calls that do no arithmetic worth timing. */
    private static final Set<String> UNTIMED = Set.of("name", "device", "provenance", "allocate", "view",
            "peakMemoryBytes", "synchronize", "close", "toString", "hashCode", "equals");

    /** One op's total over the timed calls. */
    public record Entry(String op, Shape shape, int calls, double seconds) {
    }

    private final Backend inner;
    private final Backend timed;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean on;

    public TimedBackend(Backend inner) {
        this.inner = inner;
        this.timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, handler());
    }

    /** The backend to hand to a network: the same as the inner one, but timed while {@link #start} is on. */
    public Backend backend() {
        return timed;
    }

    /** Starts (or restarts) counting, forgetting what was counted before. */
    public void start() {
        entries.clear();
        on = true;
    }

    public void stop() {
        on = false;
    }

    /** Every op timed since {@link #start}, the slowest first. */
    public List<Entry> entries() {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort(Comparator.comparingDouble(Entry::seconds).reversed());
        return list;
    }

    private InvocationHandler handler() {
        return (proxy, method, args) -> {
            if (!on || UNTIMED.contains(method.getName()) || method.getDeclaringClass() == Object.class) {
                return call(method, args);
            }
            long t = System.nanoTime();
            Object result = call(method, args);
            inner.synchronize();
            double s = (System.nanoTime() - t) / 1e9;
            Shape shape = firstShape(args);
            String key = method.getName() + " " + shape;
            entries.merge(key, new Entry(method.getName(), shape, 1, s),
                    (a, b) -> new Entry(a.op(), a.shape(), a.calls() + 1, a.seconds() + b.seconds()));
            return result;
        };
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Shape firstShape(Object[] args) {
        if (args != null) for (Object a : args) if (a instanceof Tensor t) return t.shape();
        return Shape.of(0);
    }
}
