package dev.nin.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** One run per output: a second is refused naming the first's process; a dead holder blocks no one. */
@Tag("training")
class RunLockTest {
    @TempDir
    Path dir;

    /** Held by this process: its pid is named. */
    @Test
    void aSecondLockOnTheSameOutputIsRefusedNamingTheHolder() throws IOException {
        Path lockFile = dir.resolve(Trainer.LOCK);
        try (RunLock _ = RunLock.acquire(dir, lockFile, "--out")) {
            assertThat(Files.readString(lockFile).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> RunLock.acquire(dir, lockFile, "--out"))
                    .isInstanceOf(RunLock.HeldException.class)
                    .hasMessageContaining("process " + ProcessHandle.current().pid()).hasMessageContaining(dir.toString());
        }
        assertThat(lockFile).doesNotExist();
        try (RunLock again = RunLock.acquire(dir, lockFile, "--out")) {
            assertThat(again.file()).exists();
        }
    }

    /** Held by another process (the case that matters: two ./nin train), which is then killed without releasing it. */
    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathFreesTheOutput() throws Exception {
        Path lockFile = dir.resolve(Trainer.LOCK);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                dir.toString(), lockFile.toString()).redirectErrorStream(true).start();
        try {
            var said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(said.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> RunLock.acquire(dir, lockFile, "--out"))
                    .isInstanceOf(RunLock.HeldException.class).hasMessageContaining("process " + holder.pid());
        } finally {
            holder.destroyForcibly();  // SIGKILL: no release, no clean-up; the lock file stays behind
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lockFile).exists();
        try (RunLock _ = RunLock.acquire(dir, lockFile, "--out")) {
            assertThat(Files.readString(lockFile).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    /** Takes the lock, says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunLock lock = RunLock.acquire(Path.of(args[0]), Path.of(args[1]), "--out");
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
            lock.close();
        }
    }

    /**
     * A folder the user may not write is refused when the lock is taken, before any work. Root may write anywhere,
     * so as root (as CI runs) the check runs in a child process as the user nobody.
     */
    @Test
    void anOutputTheUserMayNotWriteIsRefusedNamingIt() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = readOnly.resolve("run");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Taker.class.getName(), out.toString()));
        if (System.getProperty("user.name").equals("root")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")), "runuser, to drop root");
            command.addAll(0, List.of("runuser", "-u", "nobody", "--"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(!said.contains("ClassNotFoundException") && !said.contains("Could not find or load"), "the classes readable by nobody: " + said);
        assertThat(said).isEqualTo("refused: cannot write " + out + ": permission denied (--out)");
    }

    /** Tries to take the lock of the folder args[0] and says what happened. */
    public static final class Taker {
        public static void main(String[] args) throws Exception {
            try (RunLock _ = RunLock.acquire(Path.of(args[0]), Path.of(args[0]).resolve(Trainer.LOCK), "--out")) {
                System.out.println("locked");
            } catch (dev.nin.train.record.AtomicFile.WriteException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }
}
