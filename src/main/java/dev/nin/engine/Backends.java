package dev.nin.engine;

import dev.nin.engine.reference.ReferenceBackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Opens a backend by name. The CPU and GPU backends are loaded by class name at run time, so nothing here
 * links against ND4J or the CUDA bindings: the GPU machine runs without ND4J on its class path.
 */
public final class Backends {
    public static final List<String> NAMES = List.of("reference", "cpu", "gpu", "auto");
    static final String CPU_CLASS = "dev.nin.engine.cpu.Nd4jBackend";
    static final String GPU_CLASS = "dev.nin.engine.gpu.CudaBackend";

    private Backends() {
    }

    /** An opened backend and, for "auto", why it was chosen. */
    public record Selection(Backend backend, String reason) {
    }

    /** Thrown when a backend's classes or native libraries are missing, or it finds no device. */
    public static final class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Backend open(String name) {
        return select(name).backend();
    }

    public static Selection select(String name) {
        return switch (name) {
            case "reference" -> new Selection(new ReferenceBackend(), "asked for the reference backend");
            case "cpu" -> new Selection(load("cpu", CPU_CLASS), "asked for the CPU backend");
            case "gpu" -> new Selection(load("gpu", GPU_CLASS), "asked for the GPU backend");
            case "auto" -> auto();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; choose one of " + NAMES);
        };
    }

    /** The GPU when it opens, else the CPU, saying why. */
    private static Selection auto() {
        return auto(GPU_CLASS, CPU_CLASS);
    }

    static Selection auto(String gpuClass, String cpuClass) {
        try {
            Backend gpu = load("gpu", gpuClass);
            return new Selection(gpu, "auto: the GPU backend opened on " + gpu.device());
        } catch (UnavailableException e) {
            Backend cpu = load("cpu", cpuClass);
            return new Selection(cpu, "auto: took the CPU because the GPU backend did not open: " + e.getMessage());
        }
    }

    /** Calls {@code static Backend open()} if the class has one, else its public no-arg constructor. */
    static Backend load(String name, String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UnavailableException("backend '" + name + "' is not on the class path (class " + className
                    + " not found" + (name.equals("cpu") ? "; the CPU backend needs the ND4J jars" : "") + ")", e);
        }
        try {
            Method open = findOpen(type);
            Object backend = open != null ? open.invoke(null) : type.getConstructor().newInstance();
            return (Backend) backend;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new UnavailableException("backend '" + name + "' failed to open: " + describe(cause), cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnavailableException("backend '" + name + "' (" + className + ") could not be created: " + describe(e), e);
        }
    }

    private static Method findOpen(Class<?> type) {
        try {
            Method m = type.getMethod("open");
            return Modifier.isStatic(m.getModifiers()) && Backend.class.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The message of an error, with its class when the message alone would not say what happened. */
    private static String describe(Throwable t) {
        String kind = t instanceof LinkageError ? "missing native library or class: " : "";
        return kind + (t.getMessage() != null ? t.getMessage() : t.getClass().getName());
    }
}
