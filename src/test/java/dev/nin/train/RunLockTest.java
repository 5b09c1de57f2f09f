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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
