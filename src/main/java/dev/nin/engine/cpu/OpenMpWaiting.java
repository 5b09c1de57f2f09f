package dev.nin.engine.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * libnd4j and oneDNN run on GNU OpenMP, whose threads by default spin at every barrier before they sleep.
 * When other processes share the cores, a spinning thread burns the time slice its partner needs: on the
 * shared 2-core machine a NiN step at 96×96×128 ran at 39 images/s with 2 spinning threads, 104–117 with
 * one thread, and 118 with 2 threads that wait passively. libgomp reads OMP_WAIT_POLICY once, when it
 * is loaded, so this sets it in the process environment before ND4J loads its native libraries, unless the
 * user has set it.
 */
final class OpenMpWaiting {
    static final String VARIABLE = "OMP_WAIT_POLICY";

    private OpenMpWaiting() {
    }

    /** Sets OMP_WAIT_POLICY=passive unless already set; returns the value in effect (or null if unknown). */
    static String preferPassive() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom(VARIABLE);
                int rc = (int) setenv.invokeExact(name, arena.allocateFrom("passive"), 0); // 0: keep a user's value
                if (rc != 0) return null;
                MemorySegment value = (MemorySegment) getenv.invokeExact(name);
                return value.equals(MemorySegment.NULL) ? null : value.reinterpret(64).getString(0);
            }
        } catch (Throwable e) {
            return null; // no C library to call: OpenMP keeps its default
        }
    }
}
