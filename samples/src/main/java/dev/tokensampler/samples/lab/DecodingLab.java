package dev.tokensampler.samples.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The decoding lab: compares sampling strategies on a language model over a grid of
 * (strategy, prompt, continuation) cells, and writes CSV, JSON and PNG charts. {@code run} runs a
 * grid or one shard of it (resuming from its journal), {@code merge} writes the outputs of a grid
 * whose shards ran separately. See the README's "Decoding lab" section:
 *
 * <pre>
 * mvn -q -B test-compile exec:exec@lab -Dlab.args="run --prompts samples/lab/prompts.txt \
 *     --grid 'temperature={0.5,0.7,1.0},top_p={0.9,0.95}' -n 4 --max-tokens 40 --out target/lab"
 * </pre>
 */
@Command(name = "decoding-lab", mixinStandardHelpOptions = true,
    subcommands = {RunCommand.class, MergeCommand.class},
    description = "Compares decoding strategies over a grid of cells; run, then merge shards.")
public final class DecodingLab implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its code.
   *
   * @param args {@code run ...} or {@code merge ...}
   */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command line without exiting: 0 on success, 2 for bad input or an incomplete
   * merge, 1 for an I/O failure.
   *
   * @param args the arguments
   * @return the exit code
   */
  public static int execute(String... args) {
    CommandLine line = new CommandLine(new DecodingLab());
    line.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        command.getErr().println("decoding-lab: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return line.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
