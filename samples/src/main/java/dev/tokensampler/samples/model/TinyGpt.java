package dev.tokensampler.samples.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * A small GPT-2-style causal language model written as a DJL block: learned token and position
 * embeddings, pre-norm transformer layers (causal multi-head self-attention and a GELU MLP of
 * width 4d), a final layer norm, and an output layer tied to the token embedding.
 *
 * <p>It follows the input and output convention of DJL's {@code ai.djl.modality.nlp.generate}
 * models. Input: {@code [inputIds int64 [B,S], positionIds int64 [B,S], attentionMask int64
 * [B,P+S], past...]} where {@code past} is empty or holds a key and a value per layer, each
 * {@code [B, heads, P, d/heads]}. Output: {@code [logits float32 [B,S,V], key0, value0, key1,
 * value1, ...]}, the keys and values now covering {@code P+S} positions. A query at position
 * {@code P+i} attends to the keys at positions {@code <= P+i} whose mask entry is 1.
 *
 * <p><b>Training on part of the vocabulary.</b> Built with {@link #TinyGpt(TinyGptConfig, int[])},
 * the block starts the embedding rows of every other id at zero, embeds those ids as the zero
 * vector when they are inputs, and its logits are those of the given ids only, followed by one
 * column {@code ln(V - n)}: the other {@code V - n} ids taken together, each with the logit 0
 * that a zero row gives (a label for any of them is that column's index). Their rows get no
 * gradient and stay zero, so the same weights loaded into a block built with
 * {@link #TinyGpt(TinyGptConfig)} give exactly the distribution trained, over all {@code V} ids,
 * at a fraction of the cost of the full output layer.
 */
public final class TinyGpt extends AbstractBlock {
  private static final float LAYER_NORM_EPSILON = 1e-5f;
  private static final float MASKED = -1e9f;

  private final TinyGptConfig config;
  private final Parameter tokenEmbedding;
  private final Parameter positionEmbedding;
  private final Layer[] layers;
  private final Parameter finalGamma;
  private final Parameter finalBeta;
  private final long[] outputIds;
  private final float[] keptRows;

  /**
   * Creates the block with uninitialised parameters (load them with {@code Model.load} or a
   * {@code Criteria}, or initialise them for training).
   *
   * @param config the shape of the model
   */
  public TinyGpt(TinyGptConfig config) {
    this(config, null);
  }

  /**
   * Creates the block for training on part of the vocabulary (see the class comment).
   *
   * @param config the shape of the model
   * @param outputIds the ids the logits cover, strictly increasing, in {@code [0, V)}, fewer
   *     than {@code V}; {@code null} for all ids
   * @throws IllegalArgumentException if the ids are not strictly increasing in range, or all
   */
  public TinyGpt(TinyGptConfig config, int[] outputIds) {
    super((byte) 1);
    this.config = config;
    this.outputIds = outputIds == null ? null : Arrays.stream(outputIds).asLongStream().toArray();
    int d = config.dimension();
    Initializer embeddingInit = new NormalInitializer(0.02f);
    Initializer tokenInit = embeddingInit;
    float[] kept = null;
    if (outputIds != null) {
      int v = config.vocabularySize();
      if (outputIds.length == 0 || outputIds.length >= v) {
        throw new IllegalArgumentException(
            "outputIds must hold 1 to " + (v - 1) + " ids: " + outputIds.length);
      }
      kept = new float[v];
      for (int i = 0; i < outputIds.length; i++) {
        if (outputIds[i] < 0 || outputIds[i] >= v || (i > 0 && outputIds[i] <= outputIds[i - 1])) {
          throw new IllegalArgumentException(
              "outputIds must be strictly increasing in [0, " + v + "): index " + i + " is "
                  + outputIds[i]);
        }
        kept[outputIds[i]] = 1f;
      }
      float[] rows = kept;
      tokenInit =
          (manager, shape, dataType) ->
              embeddingInit
                  .initialize(manager, shape, dataType)
                  .mul(manager.create(rows, new Shape(v, 1)));
    }
    keptRows = kept;
    tokenEmbedding =
        weight("token_embedding", new Shape(config.vocabularySize(), d), tokenInit);
    positionEmbedding =
        weight("position_embedding", new Shape(config.contextLength(), d), embeddingInit);
    layers = new Layer[config.layers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new Layer("layer" + i + "_", d, config.layers());
    }
    finalGamma = gamma("final_norm_gamma", d);
    finalBeta = beta("final_norm_beta", d);
  }

  /** @return the shape of the model */
  public TinyGptConfig config() {
    return config;
  }

  private Parameter weight(String name, Shape shape, Initializer initializer) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(shape)
            .optInitializer(initializer)
            .build());
  }

  private Parameter bias(String name, int size) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.BIAS)
            .optShape(new Shape(size))
            .optInitializer(Initializer.ZEROS)
            .build());
  }

  private Parameter gamma(String name, int size) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.GAMMA)
            .optShape(new Shape(size))
            .optInitializer(Initializer.ONES)
            .build());
  }

  private Parameter beta(String name, int size) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.BETA)
            .optShape(new Shape(size))
            .optInitializer(Initializer.ZEROS)
            .build());
  }

  /** The parameters of one transformer layer. */
  private final class Layer {
    final Parameter norm1Gamma;
    final Parameter norm1Beta;
    final Parameter qkvWeight;
    final Parameter qkvBias;
    final Parameter projectionWeight;
    final Parameter projectionBias;
    final Parameter norm2Gamma;
    final Parameter norm2Beta;
    final Parameter upWeight;
    final Parameter upBias;
    final Parameter downWeight;
    final Parameter downBias;

    Layer(String prefix, int d, int layerCount) {
      Initializer init = new NormalInitializer(0.02f);
      // GPT-2 scales the initial residual projections by 1/sqrt(2 * layers).
      Initializer residualInit =
          new NormalInitializer((float) (0.02 / Math.sqrt(2.0 * layerCount)));
      norm1Gamma = gamma(prefix + "norm1_gamma", d);
      norm1Beta = beta(prefix + "norm1_beta", d);
      qkvWeight = weight(prefix + "qkv_weight", new Shape(d, 3L * d), init);
      qkvBias = bias(prefix + "qkv_bias", 3 * d);
      projectionWeight = weight(prefix + "proj_weight", new Shape(d, d), residualInit);
      projectionBias = bias(prefix + "proj_bias", d);
      norm2Gamma = gamma(prefix + "norm2_gamma", d);
      norm2Beta = beta(prefix + "norm2_beta", d);
      upWeight = weight(prefix + "up_weight", new Shape(d, 4L * d), init);
      upBias = bias(prefix + "up_bias", 4 * d);
      downWeight = weight(prefix + "down_weight", new Shape(4L * d, d), residualInit);
      downBias = bias(prefix + "down_bias", d);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray inputIds = inputs.get(0);
    NDArray positionIds = inputs.get(1);
    NDArray attentionMask = inputs.get(2);
    long batch = inputIds.getShape().get(0);
    long length = inputIds.getShape().get(1);
    long past = inputs.size() > 3 ? inputs.get(3).getShape().get(2) : 0;
    long total = past + length;
    int d = config.dimension();
    int heads = config.heads();
    long headDim = d / heads;

    NDArray embedding = value(store, tokenEmbedding, inputIds, training);
    NDArray positions = value(store, positionEmbedding, inputIds, training).get(positionIds);
    NDArray tokens = embedding.get(inputIds);
    if (keptRows != null) {
      NDArray kept = inputIds.getManager().create(keptRows).get(inputIds);
      tokens = tokens.mul(kept.expandDims(-1));
    }
    NDArray hidden = tokens.add(positions);
    NDArray bias = attentionBias(inputIds.getManager(), attentionMask, batch, length, past, total);

    NDList output = new NDList(1 + 2 * layers.length);
    output.add(null);
    for (int i = 0; i < layers.length; i++) {
      Layer layer = layers[i];
      NDArray x = norm(store, hidden, layer.norm1Gamma, layer.norm1Beta, training);
      NDArray qkv = affine(store, x, layer.qkvWeight, layer.qkvBias, training);
      NDList parts =
          qkv.reshape(batch, length, 3, heads, headDim).transpose(2, 0, 3, 1, 4).split(3);
      NDArray query = parts.get(0).squeeze(0);
      NDArray key = parts.get(1).squeeze(0);
      NDArray val = parts.get(2).squeeze(0);
      if (past > 0) {
        key = inputs.get(3 + 2 * i).concat(key, 2);
        val = inputs.get(4 + 2 * i).concat(val, 2);
      }
      output.add(key);
      output.add(val);
      NDArray scores =
          query.matMul(key.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(headDim)).add(bias);
      NDArray attended =
          scores.softmax(-1).matMul(val).transpose(0, 2, 1, 3).reshape(batch, length, d);
      hidden =
          hidden.add(
              affine(store, attended, layer.projectionWeight, layer.projectionBias, training));
      NDArray y = norm(store, hidden, layer.norm2Gamma, layer.norm2Beta, training);
      NDArray up = Activation.gelu(affine(store, y, layer.upWeight, layer.upBias, training));
      hidden = hidden.add(affine(store, up, layer.downWeight, layer.downBias, training));
    }
    hidden = norm(store, hidden, finalGamma, finalBeta, training);
    if (outputIds == null) {
      output.set(0, hidden.matMul(embedding.transpose()));
    } else {
      NDManager manager = inputIds.getManager();
      NDArray rows = embedding.get(manager.create(outputIds));
      NDArray others =
          manager.full(
              new Shape(batch, length, 1),
              (float) Math.log(config.vocabularySize() - outputIds.length));
      output.set(0, hidden.matMul(rows.transpose()).concat(others, -1));
    }
    return output;
  }

  /** 0 where a query may attend a key, {@link #MASKED} elsewhere: shape {@code [B,1,S,P+S]}. */
  private static NDArray attentionBias(
      NDManager manager, NDArray attentionMask, long batch, long length, long past, long total) {
    NDArray queryPositions =
        manager.arange(past, past + length, 1, DataType.INT64).reshape(length, 1);
    NDArray keyPositions = manager.arange(0, total, 1, DataType.INT64).reshape(1, total);
    NDArray causal = keyPositions.lte(queryPositions).reshape(1, 1, length, total);
    NDArray present = attentionMask.eq(1).reshape(batch, 1, 1, total);
    NDArray allowed = causal.logicalAnd(present).toType(DataType.FLOAT32, false);
    return allowed.sub(1f).mul(-MASKED);
  }

  private static NDArray value(
      ParameterStore store, Parameter parameter, NDArray like, boolean training) {
    return store.getValue(parameter, like.getDevice(), training);
  }

  private static NDArray affine(
      ParameterStore store, NDArray x, Parameter weight, Parameter bias, boolean training) {
    return x.matMul(value(store, weight, x, training)).add(value(store, bias, x, training));
  }

  private NDArray norm(
      ParameterStore store, NDArray x, Parameter gamma, Parameter beta, boolean training) {
    return LayerNorm.layerNorm(
            x,
            new Shape(config.dimension()),
            value(store, gamma, x, training),
            value(store, beta, x, training),
            LAYER_NORM_EPSILON)
        .singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    long length = inputShapes[0].get(1);
    long past = inputShapes.length > 3 ? inputShapes[3].get(2) : 0;
    Shape keyValue =
        new Shape(batch, config.heads(), past + length, config.dimension() / config.heads());
    Shape[] shapes = new Shape[1 + 2 * layers.length];
    shapes[0] =
        new Shape(
            batch, length, outputIds == null ? config.vocabularySize() : outputIds.length + 1);
    for (int i = 1; i < shapes.length; i++) {
      shapes[i] = keyValue;
    }
    return shapes;
  }
}
