package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.vocab.TokenVocabulary;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sampling under a JSON Schema constraint (random logits, fixed seeds, the constraint stage then
 * top-k 40 and temperature) yields only documents that an independent validator
 * (networknt json-schema-validator, format assertions on) accepts, and every random tokenization
 * of each document is allowed token by token. The schemas cover the supported keywords; some run
 * with flexible whitespace or any property order.
 */
class JsonSchemaPropertyTest {
  private static final String ALPHABET = "{}[]\":,0123456789-.eE+abcdefxyz@_ tnrulsé\\/T:Z";
  private static final TokenVocabulary VOCAB = TestVocabularies.random(5, ALPHABET, 900, 5);
  private static final int SEEDS = 24;
  private static final int MAX_STEPS = 3_000;
  /** After this many tokens, closing characters and the end of sequence are favoured. */
  private static final int CLOSING_AFTER = 150;
  private static final JsonSchemaOptions SCHEMA_ORDER = JsonSchemaOptions.defaults();
  private static final JsonSchemaOptions ANY_ORDER_FLEXIBLE = JsonSchemaOptions.defaults()
      .withPropertyOrder(JsonSchemaOptions.PropertyOrder.ANY)
      .withWhitespace(JsonSchemaOptions.Whitespace.FLEXIBLE);
  private static final SchemaRegistry VALIDATORS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  /** Numbers as BigDecimal, so that an exponent such as {@code 1E400} is no infinity. */
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  /** An exponent of 10 digits or more: beyond BigDecimal's scale. */
  private static final Pattern HUGE_EXPONENT = Pattern.compile("(?<=[0-9][eE][-+]?)[0-9]{10,}");

  /**
   * The document as the validator's tree. An exponent of 10 or more digits (valid JSON, which the
   * constraint writes only where no numeric bound applies) is read as 99, since no Java number
   * type holds it; the number's type and validity under such a schema do not change.
   */
  private static JsonNode readTree(String doc) {
    return JSON.readTree(HUGE_EXPONENT.matcher(doc).replaceAll("99"));
  }

  static Stream<Arguments> schemas() {
    String[] schemas = {
      // types, properties, required, additionalProperties
      "{'type':'object','properties':{'id':{'type':'integer'},'name':{'type':'string',"
          + "'maxLength':6},'ok':{'type':'boolean'},'none':{'type':'null'}},"
          + "'required':['id','ok'],'additionalProperties':false}",
      "{'type':'object','properties':{'a':{'type':'integer'}},'required':['a'],"
          + "'additionalProperties':{'type':'number'},'maxProperties':3}",
      // arrays: items, prefixItems, bounds, uniqueItems with maxItems 1
      "{'type':'array','items':{'type':'integer','minimum':-5,'maximum':120},'minItems':1,"
          + "'maxItems':4}",
      "{'type':'array','prefixItems':[{'type':'string','maxLength':3},{'enum':[1,'x',null]}],"
          + "'items':{'type':'boolean'},'maxItems':5}",
      "{'type':'array','items':{'type':'string','maxLength':2},'uniqueItems':true,'maxItems':1}",
      // enum, const, anyOf, oneOf (disjoint), allOf, not
      "{'enum':['red','green',{'x':[1,2]},3.5,null]}",
      "{'type':'object','properties':{'kind':{'const':'point'},'x':{'type':'number'}},"
          + "'required':['kind','x'],'additionalProperties':false}",
      "{'anyOf':[{'type':'string','maxLength':4},{'type':'integer','exclusiveMinimum':10,"
          + "'exclusiveMaximum':20},{'type':'array','items':{'type':'null'},'maxItems':2}]}",
      "{'oneOf':[{'type':'object','properties':{'t':{'const':'a'},'v':{'type':'integer'}},"
          + "'required':['t','v'],'additionalProperties':false},{'type':'object','properties':"
          + "{'t':{'const':'b'},'w':{'type':'string','maxLength':3}},'required':['t'],"
          + "'additionalProperties':false}]}",
      "{'allOf':[{'type':'object','properties':{'a':{'type':'integer','minimum':0}},"
          + "'required':['a']},{'properties':{'a':{'maximum':50},'b':{'type':'string',"
          + "'maxLength':2}},'additionalProperties':false}]}",
      "{'type':['string','integer','null'],'not':{'type':'integer'},'maxLength':5}",
      // $ref, $defs, recursion
      "{'$defs':{'node':{'type':'object','properties':{'v':{'type':'integer'},'kids':"
          + "{'type':'array','items':{'$ref':'#/$defs/node'},'maxItems':2}},'required':['v'],"
          + "'additionalProperties':false}},'$ref':'#/$defs/node'}",
      // strings: lengths, patterns, formats
      "{'type':'string','minLength':2,'maxLength':5}",
      "{'type':'string','pattern':'^[a-f]{2}-[0-9]+$'}",
      "{'type':'object','properties':{'d':{'type':'string','format':'date'},"
          + "'u':{'type':'string','format':'uuid'},'ip':{'type':'string','format':'ipv4'},"
          + "'t':{'type':'string','format':'date-time'}},'required':['d','u','ip','t'],"
          + "'additionalProperties':false}",
      "{'type':'object','properties':{'u':{'type':'string','format':'uri','minLength':1},"
          + "'e':{'type':'string','format':'email','minLength':6},'h':{'type':'string',"
          + "'format':'hostname','maxLength':251}},'required':['u','e','h'],"
          + "'additionalProperties':false}",
      "{'not':{'not':{'type':'array','maxItems':2,'items':{'type':'integer'}}}}",
      // numbers: bounds, multipleOf
      "{'type':'number','minimum':-2.5,'maximum':3.25}",
      "{'type':'integer','multipleOf':5,'minimum':0,'maximum':100}",
      // objects: patternProperties, propertyNames, dependentRequired, minProperties
      "{'type':'object','patternProperties':{'^x[a-z]*$':{'type':'integer'}},"
          + "'additionalProperties':false,'maxProperties':3}",
      "{'type':'object','properties':{'a':{'type':'integer'},'b':{'type':'integer'},"
          + "'c':{'type':'integer'}},'dependentRequired':{'a':['b']},'minProperties':1,"
          + "'additionalProperties':false}",
      "{'type':'object','properties':{'p':{'type':'integer'},'q':{'type':'string',"
          + "'maxLength':3},'r':{'type':'array','maxItems':2,'items':{'type':'integer'}}},"
          + "'required':['q','r'],'additionalProperties':false}",
      "{'type':'object','properties':{'k':{'type':'integer'},'m':{'type':'string',"
          + "'maxLength':2}},'additionalProperties':{'type':'boolean'}}",
    };
    Stream.Builder<Arguments> out = Stream.builder();
    for (int i = 0; i < schemas.length; i++) {
      String s = schemas[i].replace('\'', '"');
      out.add(Arguments.of(i, s, "schema-order", SCHEMA_ORDER));
      out.add(Arguments.of(i, s, "any-order-flexible", ANY_ORDER_FLEXIBLE));
    }
    return out.build();
  }

  /** The checker is no rubber stamp: formats, bounds and types are asserted. */
  @Test
  void validatorRejectsWhatTheSchemasForbid() {
    Schema formats = VALIDATORS.getSchema("{\"type\":\"object\",\"properties\":{\"d\":"
        + "{\"format\":\"date\"},\"ip\":{\"format\":\"ipv4\"}}}", InputFormat.JSON);
    assertFalse(validate(formats, "{\"d\":\"2020-13-45\"}").isEmpty());
    assertFalse(validate(formats, "{\"ip\":\"1.2.3.256\"}").isEmpty());
    assertTrue(validate(formats, "{\"d\":\"2020-12-31\",\"ip\":\"1.2.3.4\"}").isEmpty());
    Schema multiples = VALIDATORS.getSchema("{\"type\":\"integer\",\"multipleOf\":5,"
        + "\"maximum\":100}", InputFormat.JSON);
    assertFalse(validate(multiples, "7").isEmpty());
    assertFalse(validate(multiples, "105").isEmpty());
    assertFalse(validate(multiples, "5.5").isEmpty());
  }

  private static List<Error> validate(Schema validator, String doc) {
    return validator.validate(readTree(doc),
        ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
  }

  @ParameterizedTest(name = "[{0}] {2}")
  @MethodSource("schemas")
  void sampledDocumentsValidateAndEveryTokenizationIsAllowed(int index, String schemaJson,
      String label, JsonSchemaOptions options) {
    Schema validator = VALIDATORS.getSchema(schemaJson, InputFormat.JSON);
    TokenConstraint constraint =
        TokenConstraint.compile(JsonSchemaGrammar.compile(schemaJson, options), VOCAB);
    int eos = TestVocabularies.eos(VOCAB);
    Tokenizations tokenizations = new Tokenizations(VOCAB);
    long[] words = new long[(VOCAB.size() + 63) / 64];
    for (int seed = 0; seed < SEEDS; seed++) {
      Sampler sampler = SamplerConfig.builder().stage(new ConstraintStage(constraint))
          .topK(40).temperature(1.2f).build().newSampler(seed);
      Random r = new Random(seed * 31L + index);
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      float[] logits = new float[VOCAB.size()];
      boolean ended = false;
      for (int step = 0; step < MAX_STEPS && !ended; step++) {
        for (int i = 0; i < logits.length; i++) {
          logits[i] = (float) r.nextGaussian() * 2f;
        }
        if (step > CLOSING_AFTER) {
          logits[eos] = 40f;
          for (char c : new char[] {'"', '}', ']'}) {
            logits[c] = 30f;
          }
        }
        int token = sampler.sample(logits);
        if (token == eos) {
          ended = true;
        } else {
          text.writeBytes(VOCAB.tokenBytes(token));
        }
      }
      byte[] bytes = text.toByteArray();
      String doc = new String(bytes, StandardCharsets.UTF_8);
      assertTrue(ended, () -> "no end of sequence after " + MAX_STEPS + " tokens: " + doc);
      List<Error> errors = validate(validator, doc);
      if (!errors.isEmpty()) {
        fail("sampled document (seed " + seed + ", " + label + ") is invalid: " + doc
            + "\nschema: " + schemaJson + "\nerrors: " + errors);
      }
      for (int trial = 0; trial < 2; trial++) {
        ConstraintMatcher m = constraint.newMatcher();
        for (int id : tokenizations.random(bytes, r)) {
          m.fillAllowed(words);
          if ((words[id >>> 6] & (1L << id)) == 0) {
            fail("token " + id + " of " + doc + " not allowed (" + label + ")");
          }
          m.accept(id);
        }
        assertTrue(m.isAccepting(), () -> doc + " not accepted at its end");
      }
    }
  }
}
