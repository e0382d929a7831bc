package example.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tokensampler.djl.NDArraySampler;
import example.core.Demo;

/** The same generation, the logits of each step given to the sampler as a DJL NDArray. */
public final class DjlDemo {
  private DjlDemo() {}

  public static void main(String[] args) {
    NDArraySampler sampler = NDArraySampler.of(Demo.config().newSampler(Demo.SEED));
    int[] tokens;
    try (NDManager manager = NDManager.newBaseManager()) {
      tokens = Demo.generate(logits -> {
        try (NDArray array = manager.create(logits)) {
          return sampler.sample(array);
        }
      });
      System.out.println(Demo.report("djl (" + manager.getEngine().getEngineName() + ")", tokens));
    }
  }
}
