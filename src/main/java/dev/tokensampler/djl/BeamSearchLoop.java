package dev.tokensampler.djl;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import dev.tokensampler.search.BeamHypothesis;
import dev.tokensampler.search.BeamSearch;
import dev.tokensampler.search.BeamSearchSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link BeamSearch} with a generator's model: the prompt once (batch 1), then every
 * running beam as one batch row per step. With the model's key/value cache, each step feeds only
 * the beams' new tokens and the cache is reordered by the beams' parents (rows gathered and
 * stacked); without it, each step feeds every beam's whole sequence.
 */
final class BeamSearchLoop {
  private final CausalLMGenerator generator;
  private final int[] prompt;
  private final BeamSearchSettings settings;
  private final LogitsReader reader = new LogitsReader();

  BeamSearchLoop(CausalLMGenerator generator, int[] prompt, BeamSearchSettings settings) {
    this.generator = generator;
    this.prompt = prompt;
    this.settings = settings;
  }

  List<ScoredSequence> run() {
    int maxNew = (int) Math.min(generator.maxNewTokens, (long) generator.maxLength - prompt.length);
    int beams = settings.numBeams();
    NDManager manager = generator.manager != null
        ? generator.manager.newSubManager() : NDManager.newBaseManager();
    NDList past = null;
    try {
      BeamSearch search = null;
      float[] logits = null;
      float[] row = null;
      while (search == null || !search.isDone()) {
        boolean first = search == null;
        int length = prompt.length + (first ? 0 : search.generatedLength());
        boolean incremental = past != null;
        int rows = first ? 1 : beams;
        int fed = incremental ? 1 : length;
        long[] ids = new long[rows * fed];
        long[] positions = new long[rows * fed];
        for (int b = 0; b < rows; b++) {
          int[] generated = first ? new int[0] : search.sequence(b);
          for (int i = 0; i < fed; i++) {
            int p = length - fed + i;
            ids[b * fed + i] = p < prompt.length ? prompt[p] : generated[p - prompt.length];
            positions[b * fed + i] = p;
          }
        }
        NDList newPast = null;
        try (NDScope scope = new NDScope()) {
          NDList input = new NDList(manager.create(ids, new Shape(rows, fed)),
              manager.create(positions, new Shape(rows, fed)),
              manager.ones(new Shape(rows, length), DataType.INT64));
          if (incremental) {
            input.addAll(past);
          }
          CausalLMOutput output = generator.predictor.predict(input);
          reader.open(output.getLogits(), rows);
          try {
            int v = reader.vocabularySize();
            if (first) {
              search = new BeamSearch(settings, v, maxNew, generator.eosTokenIds);
              logits = new float[beams * v];
              row = new float[v];
            }
            for (int b = 0; b < beams; b++) {
              reader.copyRow(first ? 0 : b, row);
              System.arraycopy(row, 0, logits, b * v, v);
            }
          } finally {
            reader.close();
          }
          search.step(logits);
          NDList returned = output.getPastKeyValuesList();
          if (!search.isDone() && generator.useCache && returned != null && !returned.isEmpty()) {
            newPast = reorder(returned, search, first);
            NDScope.unregister(newPast);
          }
        } catch (TranslateException e) {
          throw new IllegalStateException("model step failed at length " + length, e);
        }
        close(past);
        past = newPast;
      }
      return results(search, maxNew);
    } finally {
      close(past);
      manager.close();
    }
  }

  /** Row {@code b} of the new cache is row {@code parent(b)} of the old (row 0 after the prompt). */
  private static NDList reorder(NDList cache, BeamSearch search, boolean first) {
    NDList reordered = new NDList(cache.size());
    for (NDArray layer : cache) {
      NDList rows = new NDList(search.beams());
      for (int b = 0; b < search.beams(); b++) {
        rows.add(layer.get(first ? 0 : search.parent(b)));
      }
      reordered.add(NDArrays.stack(rows));
    }
    return reordered;
  }

  private List<ScoredSequence> results(BeamSearch search, int maxNew) {
    List<ScoredSequence> out = new ArrayList<>();
    for (BeamHypothesis h : search.results()) {
      int[] tokens = h.tokens();
      StopReason reason = StopReason.MAX_NEW_TOKENS;
      if (tokens.length > 0 && isEos(tokens[tokens.length - 1])) {
        reason = StopReason.END_OF_SEQUENCE;
      } else if (maxNew < generator.maxNewTokens) {
        reason = StopReason.MAX_LENGTH;
      }
      out.add(new ScoredSequence(tokens, h.score(), reason));
    }
    return out;
  }

  private boolean isEos(int token) {
    for (int id : generator.eosTokenIds) {
      if (id == token) {
        return true;
      }
    }
    return false;
  }

  private static void close(NDList list) {
    if (list != null) {
      for (NDArray array : list) {
        array.close();
      }
    }
  }
}
