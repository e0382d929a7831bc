package example.json;

import dev.tokensampler.config.GenerationConfigJson;
import dev.tokensampler.config.SamplerSpec;
import example.core.Demo;

/** The same generation, the chain read from a generation_config.json. */
public final class JsonDemo {
  private static final String GENERATION_CONFIG = "{\n"
      + "  \"do_sample\": true,\n"
      + "  \"temperature\": 0.8,\n"
      + "  \"top_k\": 40,\n"
      + "  \"top_p\": 0.9,\n"
      + "  \"max_new_tokens\": 48\n"
      + "}\n";

  private JsonDemo() {}

  public static void main(String[] args) {
    SamplerSpec spec = GenerationConfigJson.parse(GENERATION_CONFIG);
    int[] tokens = Demo.generate(spec.config().newSampler(Demo.SEED));
    System.out.println(Demo.report("json (" + spec + ")", tokens));
  }
}
