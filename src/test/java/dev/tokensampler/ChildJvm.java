package dev.tokensampler;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a class's {@code main} in a second JVM with this test JVM's class path. */
public final class ChildJvm {
  private ChildJvm() {}

  /** What a child JVM printed and how it ended. */
  public static final class Result {
    public final int exitCode;
    public final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /**
   * Runs {@code mainClass} in a new JVM and waits at most a minute.
   *
   * @param jvmOptions options such as {@code -Xmx32m}
   * @param mainClass the class whose {@code main} runs
   * @param args its arguments
   * @return its exit code and combined output
   */
  public static Result run(List<String> jvmOptions, Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    File log = Files.createTempFile("child-jvm", ".log").toFile();
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("child JVM did not finish in 60 s: " + command);
      }
      return new Result(process.exitValue(),
          new String(Files.readAllBytes(log.toPath()), StandardCharsets.UTF_8));
    } finally {
      log.delete();
    }
  }
}
