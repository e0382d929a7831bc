package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JsonSchemaGrammarTest {
  private static String q(String s) {
    return s.replace('\'', '"');
  }

  private static SchemaCase schema(String s) {
    return SchemaCase.of(q(s));
  }

  @Test
  void primitiveTypes() {
    schema("{'type':'string'}").valid("\"\"", "\"abc\"", "\"a\\\"b\"", "\"\\u00e9\"")
        .invalid("abc", "1", "\"a", "null", "\"a\nb\"");
    schema("{'type':'integer'}").valid("0", "-5", "123").invalid("1.5", "01", "\"1\"", "");
    schema("{'type':'number'}").valid("0", "-5.25", "1e10", "1.5E-3").invalid("1.", ".5", "+1");
    schema("{'type':'boolean'}").valid("true", "false").invalid("null", "1");
    schema("{'type':'null'}").valid("null").invalid("false");
    schema("{'type':['string','null']}").valid("null", "\"x\"").invalid("1");
    schema("{}").valid("{}", "[1,{\"a\":null}]", "\"s\"", "-1.5e3", "true")
        .invalid("{", "[1,]", "{\"a\"}");
    schema("true").valid("1", "{}");
  }

  @Test
  void objectsInSchemaOrder() {
    SchemaCase c = schema("{'type':'object','properties':{'a':{'type':'integer'},"
        + "'b':{'type':'string'},'c':{'type':'boolean'}},'required':['b'],"
        + "'additionalProperties':false}");
    c.valid("{\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\",\"c\":true}",
        "{\"b\":\"x\",\"c\":false}");
    c.invalid("{}", "{\"a\":1}", "{\"b\":\"x\",\"d\":1}", "{\"a\":\"1\",\"b\":\"x\"}",
        "{\"b\":\"x\",}", "{\"b\":\"x\",\"a\":1}");
  }

  @Test
  void undeclaredPropertiesCannotShadowDeclaredOnes() {
    SchemaCase c = schema("{'type':'object','properties':{'id':{'type':'integer'}}}");
    c.valid("{}", "{\"id\":3}", "{\"id\":3,\"name\":\"x\"}", "{\"i\":\"x\"}", "{\"idx\":\"x\"}",
        "{\"\":1}", "{\"id\":3,\"x\":1,\"y\":[]}");
    c.invalid("{\"id\":\"3\"}", "{\"name\":\"x\",\"id\":\"3\"}", "{\"id\":3,\"id\":\"x\"}");
    schema("{'type':'object','additionalProperties':{'type':'integer'}}")
        .valid("{}", "{\"a\":1,\"b\":2}").invalid("{\"a\":\"1\"}");
    new SchemaCase(q("{'type':'object','properties':{'id':{'type':'integer'}}}"),
        JsonSchemaOptions.defaults().withUndeclaredProperties(false))
        .valid("{\"id\":3}").invalid("{\"id\":3,\"x\":1}");
  }

  @Test
  void requiredFirstOrder() {
    new SchemaCase(q("{'type':'object','properties':{'a':{'type':'integer'},"
        + "'b':{'type':'integer'}},'required':['b'],'additionalProperties':false}"),
        JsonSchemaOptions.defaults().withPropertyOrder(JsonSchemaOptions.PropertyOrder.REQUIRED_FIRST))
        .valid("{\"b\":1,\"a\":2}", "{\"b\":1}").invalid("{\"a\":2,\"b\":1}");
  }

  private static SchemaCase anyOrder(String s) {
    return new SchemaCase(q(s),
        JsonSchemaOptions.defaults().withPropertyOrder(JsonSchemaOptions.PropertyOrder.ANY));
  }

  @Test
  void anyOrderEachPropertyAtMostOnceRequiredEnforced() {
    anyOrder("{'type':'object','properties':{'a':{'type':'integer'},'b':{'type':'string'},"
        + "'c':{'type':'boolean'}},'required':['b'],'additionalProperties':false}")
        .valid("{\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\"}", "{\"b\":\"x\",\"a\":1}",
            "{\"c\":true,\"b\":\"x\",\"a\":1}", "{\"b\":\"x\",\"c\":false,\"a\":2}")
        .invalid("{}", "{\"a\":1}", "{\"a\":1,\"c\":true}", "{\"b\":\"x\",\"b\":\"y\"}",
            "{\"a\":1,\"b\":\"x\",\"a\":2}", "{\"b\":\"x\",\"d\":1}", "{\"b\":1}",
            "{\"b\":\"x\",}", "{,\"b\":\"x\"}");
  }

  @Test
  void anyOrderWithUndeclaredMembersAnywhere() {
    anyOrder("{'type':'object','properties':{'id':{'type':'integer'},'n':{'type':'string'}},"
        + "'required':['id']}")
        .valid("{\"id\":1}", "{\"x\":[],\"id\":1}", "{\"n\":\"a\",\"x\":null,\"id\":1,\"y\":2}",
            "{\"id\":1,\"idx\":\"s\"}")
        .invalid("{}", "{\"x\":1}", "{\"id\":1,\"id\":2}", "{\"id\":\"1\"}",
            "{\"x\":1,\"id\":1,\"n\":2}", "{\"n\":\"a\",\"id\":1,\"n\":\"b\"}");
  }

  @Test
  void anyOrderCountsPropertiesWithoutUndeclaredOnes() {
    anyOrder("{'type':'object','properties':{'a':{'type':'integer'},'b':{'type':'integer'},"
        + "'c':{'type':'integer'}},'additionalProperties':false,'minProperties':2,"
        + "'maxProperties':2}")
        .valid("{\"c\":1,\"a\":2}", "{\"b\":1,\"c\":2}", "{\"a\":1,\"b\":2}")
        .invalid("{}", "{\"a\":1}", "{\"c\":1,\"b\":2,\"a\":3}", "{\"a\":1,\"a\":2}");
  }

  @Test
  void anyOrderFallsBackToSchemaOrderForLargeObjects() {
    StringBuilder props = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      props.append(i == 0 ? "" : ",").append("'p").append(i).append("':{'type':'integer'}");
    }
    anyOrder("{'type':'object','properties':{" + props + "},'additionalProperties':false}")
        .valid("{\"p0\":0,\"p3\":3}").invalid("{\"p3\":3,\"p0\":0}");
  }

  @Test
  void flexibleWhitespace() {
    new SchemaCase(q("{'type':'object','properties':{'a':{'type':'array','items':"
        + "{'type':'integer'}}},'additionalProperties':false}"),
        JsonSchemaOptions.defaults().withWhitespace(JsonSchemaOptions.Whitespace.FLEXIBLE))
        .valid("{\"a\":[1,2]}", "{ \"a\" : [ 1 , 2 ] }", "{\n  \"a\": [\n    1,\n    2\n  ]\n}")
        .invalid(" {\"a\":[1]}", "{\"a\":[1]} ", "{  \"a\":[1]}");
  }

  @Test
  void arrays() {
    schema("{'type':'array','items':{'type':'integer'},'minItems':1,'maxItems':3}")
        .valid("[1]", "[1,2,3]").invalid("[]", "[1,2,3,4]", "[\"a\"]", "[1,]");
    schema("{'type':'array','prefixItems':[{'type':'string'},{'type':'integer'}],"
        + "'items':false}").valid("[]", "[\"a\"]", "[\"a\",1]").invalid("[1]", "[\"a\",1,2]");
    schema("{'type':'array','prefixItems':[{'type':'string'}],'items':{'type':'null'},"
        + "'minItems':2}").valid("[\"a\",null]", "[\"a\",null,null]").invalid("[\"a\"]",
        "[\"a\",1]");
    schema("{'$schema':'http://json-schema.org/draft-07/schema#','type':'array',"
        + "'items':[{'type':'integer'}],'additionalItems':{'type':'string'}}")
        .valid("[]", "[1]", "[1,\"a\",\"b\"]").invalid("[\"a\"]", "[1,2]");
    schema("{'type':'array','maxItems':0}").valid("[]").invalid("[1]");
    schema("{'type':'array','uniqueItems':true,'maxItems':1}").valid("[]", "[3]");
  }

  @Test
  void enumsAndConst() {
    schema("{'enum':['a','b',1,null,{'x':[1]}]}")
        .valid("\"a\"", "\"b\"", "1", "null", "{\"x\":[1]}").invalid("\"c\"", "2", "{}");
    schema("{'type':'string','enum':['a',1]}").valid("\"a\"").invalid("1");
    schema("{'const':'x\\\"y'}").valid("\"x\\\"y\"").invalid("\"x\"");
    schema("{'type':'string','enum':['ab','abc'],'maxLength':2}").valid("\"ab\"")
        .invalid("\"abc\"");
  }

  @Test
  void stringLengths() {
    schema("{'type':'string','minLength':2,'maxLength':3}")
        .valid("\"ab\"", "\"abc\"", "\"\\n\\t\"", "\"\u00e9\u00e9\"", "\"\uD83D\uDE00x\"")
        .invalid("\"a\"", "\"abcd\"", "\"\\ud83d\\ude00\"");
  }

  @Test
  void patterns() {
    schema("{'type':'string','pattern':'^[a-z]+$'}").valid("\"abc\"").invalid("\"\"", "\"aBc\"",
        "\"ab1\"");
    schema("{'type':'string','pattern':'[0-9]{3}'}").valid("\"123\"", "\"ab1234cd\"")
        .invalid("\"12\"", "\"1a2b3\"");
    schema("{'type':'string','pattern':'^(foo|ba+r)$'}").valid("\"foo\"", "\"bar\"", "\"baaar\"")
        .invalid("\"fooo\"", "\"br\"");
    schema("{'type':'string','pattern':'^\\\\d{2}-\\\\w+\\\\.?$'}").valid("\"12-ab_c\"",
        "\"12-x.\"").invalid("\"1-ab\"", "\"12-\"");
    schema("{'type':'string','pattern':'^[^\\\"]*$'}").valid("\"abc\"", "\"a\\\\b\"")
        .invalid("\"a\\\"b\"");
    schema("{'type':'string','pattern':'^a|b$'}").valid("\"ax\"", "\"xb\"").invalid("\"xa\"");
    schema("{'type':'string','pattern':'^[a-z]*$','maxLength':3}").valid("\"\"", "\"abc\"")
        .invalid("\"abcd\"", "\"A\"");
    schema("{'type':'string','pattern':'^[A-Z]{2}-(\\\\d{3}|x)$','minLength':4,'maxLength':6}")
        .valid("\"AB-123\"", "\"AB-x\"").invalid("\"AB-12\"");
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(
        q("{'type':'string','pattern':'^(ab)+$','maxLength':4}")));
    schema("{'type':'string','pattern':'x.y'}").valid("\"x-y\"").invalid("\"x\\ny\"");
    assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'pattern':'(a)\\\\1'}")));
    assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'pattern':'a(?=b)'}")));
    assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'pattern':'a^b'}")));
  }

  @Test
  void formats() {
    schema("{'type':'string','format':'date'}").valid("\"2024-02-29\"", "\"2000-02-29\"",
        "\"2023-12-31\"").invalid("\"2023-02-29\"", "\"1900-02-29\"", "\"2024-13-01\"",
        "\"2024-04-31\"", "\"0000-01-01\"", "\"2024-1-01\"");
    schema("{'type':'string','format':'date-time'}").valid("\"2024-01-02T03:04:05Z\"",
        "\"2024-01-02T03:04:05.123+01:00\"").invalid("\"2024-01-02T03:04:05\"",
        "\"2024-01-02 03:04:05Z\"", "\"2024-01-02T24:00:00Z\"");
    schema("{'type':'string','format':'time'}").valid("\"23:59:59Z\"").invalid("\"23:59\"");
    schema("{'type':'string','format':'uuid'}").valid("\"123e4567-e89b-12d3-a456-426614174000\"")
        .invalid("\"123e4567e89b12d3a456426614174000\"", "\"not-a-uuid\"");
    schema("{'type':'string','format':'email'}").valid("\"a.b+c@example.com\"",
        "\"x@mail.example.co.uk\"").invalid("\"example\"", "\"a@b\"", "\"a..b@example.com\"",
        "\"a@b.zz\"");
    schema("{'type':'string','format':'ipv4'}").valid("\"192.168.0.1\"")
        .invalid("\"256.1.1.1\"", "\"01.1.1.1\"", "\"1.1.1\"");
    schema("{'type':'string','format':'uri'}").valid("\"https://example.com/a/b?x=1#f\"",
        "\"mailto:a@b.c\"", "\"urn:isbn:123\"").invalid("\"not a uri\"", "\"example.com\"",
        "\"http://a b\"", "\"http://x:y\"");
    schema("{'type':'string','format':'hostname'}").valid("\"example.com\"", "\"localhost\"")
        .invalid("\"-a.com\"", "\"a_b.com\"", "\"1.2.3.4\"");
    schema("{'type':'string','format':'int32'}").valid("\"anything\"");
    assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'type':'string','format':'ipv6'}")));
  }

  @Test
  void integerRanges() {
    schema("{'type':'integer','minimum':-5,'maximum':123}").valid("-5", "0", "9", "10", "99",
        "100", "123", "-1").invalid("-6", "124", "200", "1000", "-10", "-0.5");
    schema("{'type':'integer','minimum':10}").valid("10", "99", "100", "123456")
        .invalid("9", "0", "-1");
    schema("{'type':'integer','exclusiveMinimum':0}").valid("1", "10").invalid("0", "-1");
    schema("{'type':'integer','maximum':0,'exclusiveMaximum':true}").valid("-1", "-100")
        .invalid("0", "1");
    schema("{'type':'integer','minimum':1.5,'maximum':3.5}").valid("2", "3").invalid("1", "4");
  }

  @Test
  void numberRanges() {
    schema("{'type':'number','minimum':0}").valid("0", "0.5", "12.25", "100")
        .invalid("-1", "-0.5", "1e5");
    schema("{'type':'number','exclusiveMinimum':0,'maximum':1}").valid("0.5", "1", "1.0",
        "0.001").invalid("0", "0.0", "1.5", "1.01", "-0.5");
    schema("{'type':'number','minimum':-2,'exclusiveMaximum':3}").valid("-2", "-2.0", "-1.5",
        "2.999", "0").invalid("-2.5", "3", "3.0", "-3");
    schema("{'type':'number','minimum':0.3,'exclusiveMaximum':2.5}").valid("0.3", "0.30",
        "0.5", "1", "2", "2.49", "2.4999").invalid("0.29", "0.2", "0", "2.5", "2.50", "3", "-1");
    schema("{'type':'number','minimum':-1.5,'maximum':-0.25}").valid("-1.5", "-1", "-0.25",
        "-0.3", "-1.25").invalid("-1.51", "-2", "-0.2", "0", "-0.249");
    schema("{'type':'number','exclusiveMinimum':0.05,'maximum':0.0501}").valid("0.0501",
        "0.05001").invalid("0.05", "0.050", "0.0502", "0.06");
    schema("{'type':'integer','multipleOf':5}").valid("0", "5", "-15", "100").invalid("3", "51");
    schema("{'type':'integer','multipleOf':3,'minimum':-4,'exclusiveMaximum':9}")
        .valid("-3", "0", "3", "6").invalid("-6", "9", "1", "-0", "03", "6.0");
    schema("{'type':'number','multipleOf':25,'exclusiveMinimum':0,'maximum':100.5}")
        .valid("25", "50", "100").invalid("0", "125", "12.5");
    schema("{'anyOf':[{'type':'integer','multipleOf':7,'minimum':1,'maximum':6},"
        + "{'type':'null'}]}").valid("null").invalid("0", "7");
  }

  @Test
  void anyOfAndOneOf() {
    schema("{'anyOf':[{'type':'string'},{'type':'integer','minimum':3}]}").valid("\"a\"", "4")
        .invalid("2", "null");
    schema("{'oneOf':[{'type':'string'},{'type':'null'}]}").valid("\"a\"", "null").invalid("1");
    schema("{'oneOf':[{'type':'object','properties':{'kind':{'const':'a'},'x':{'type':'integer'}},"
        + "'required':['kind']},{'type':'object','properties':{'kind':{'const':'b'}},"
        + "'required':['kind']}]}").valid("{\"kind\":\"a\",\"x\":1}", "{\"kind\":\"b\"}")
        .invalid("{\"kind\":\"c\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'oneOf':[{'type':'number'},{'type':'integer'}]}")));
    assertTrue(e.getMessage().startsWith("#/oneOf"), e.getMessage());
    schema("{'type':'object','properties':{'a':{'type':'integer'}},'additionalProperties':false,"
        + "'anyOf':[{'required':['a']},{'properties':{'a':{'minimum':5}}}]}")
        .valid("{\"a\":1}", "{}", "{\"a\":6}").invalid("{\"b\":1}");
  }

  @Test
  void allOfMerges() {
    schema("{'allOf':[{'type':'object','properties':{'a':{'type':'integer'}},'required':['a']},"
        + "{'properties':{'b':{'type':'string'}},'required':['b']}]}")
        .valid("{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"b\":\"x\",\"c\":null}")
        .invalid("{\"a\":1}", "{\"b\":\"x\"}", "{\"a\":\"1\",\"b\":\"x\"}");
    // additionalProperties beside allOf sees no properties: it forbids every name.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'type':'object','allOf':[{'required':['a']}],"
            + "'additionalProperties':false}")));
    assertTrue(e.getMessage().contains("accepts no instance"), e.getMessage());
    schema("{'allOf':[{'type':'object','properties':{'a':{'type':'integer'}},"
        + "'additionalProperties':false},{'type':'object','properties':{'b':{'type':'string'}}}]}")
        .valid("{}", "{\"a\":1}").invalid("{\"b\":\"x\"}");
    schema("{'allOf':[{'type':'integer','minimum':0},{'maximum':10}]}").valid("0", "10")
        .invalid("11", "-1");
  }

  @Test
  void refsAndRecursion() {
    schema("{'$defs':{'node':{'type':'object','properties':{'v':{'type':'integer'},"
        + "'next':{'$ref':'#/$defs/node'}},'required':['v'],'additionalProperties':false}},"
        + "'$ref':'#/$defs/node'}").valid("{\"v\":1}", "{\"v\":1,\"next\":{\"v\":2,"
        + "\"next\":{\"v\":3}}}").invalid("{\"v\":1,\"next\":{}}", "{}");
    schema("{'definitions':{'a~b':{'type':'integer'},'c/d':{'type':'string'}},"
        + "'type':'array','prefixItems':[{'$ref':'#/definitions/a~0b'},"
        + "{'$ref':'#/definitions/c~1d'}],'items':false}").valid("[1,\"x\"]").invalid("[\"x\",1]");
    schema("{'type':'object','properties':{'child':{'$ref':'#'}},'additionalProperties':false}")
        .valid("{}", "{\"child\":{\"child\":{}}}").invalid("{\"child\":1}");
    schema("{'$defs':{'p':{'$anchor':'pos','type':'integer','minimum':1}},'$ref':'#pos'}")
        .valid("1").invalid("0");
    // 2020-12: siblings of $ref apply; draft-07: ignored.
    schema("{'$defs':{'i':{'type':'integer'}},'$ref':'#/$defs/i','minimum':5}").valid("5")
        .invalid("4");
    schema("{'$schema':'http://json-schema.org/draft-07/schema#','definitions':{'i':"
        + "{'type':'integer'}},'$ref':'#/definitions/i','minimum':5}").valid("5", "4");
  }

  @Test
  void minMaxProperties() {
    schema("{'type':'object','properties':{'a':{},'b':{}},'additionalProperties':false,"
        + "'minProperties':1}").valid("{\"a\":1}", "{\"b\":1}", "{\"a\":1,\"b\":2}")
        .invalid("{}");
    schema("{'type':'object','maxProperties':1}").valid("{}", "{\"x\":1}")
        .invalid("{\"x\":1,\"y\":2}");
  }

  @Test
  void patternProperties() {
    schema("{'type':'object','patternProperties':{'^x-':{}}}").valid("{\"x-a\":1}", "{\"b\":2}");
    schema("{'type':'object','patternProperties':{'^[a-z]+$':{'type':'integer'}},"
        + "'additionalProperties':false}").valid("{}", "{\"ab\":1,\"c\":2}")
        .invalid("{\"A\":1}", "{\"ab\":\"x\"}");
    // Without additionalProperties: false, only members under the pattern are written (a subset).
    schema("{'type':'object','properties':{'id':{'type':'string'}},"
        + "'patternProperties':{'^n_':{'type':'integer'}}}").valid("{\"id\":\"x\",\"n_a\":1}")
        .invalid("{\"n_a\":\"x\"}", "{\"id\":1}", "{\"other\":1}");
    // A declared name under a pattern must satisfy both schemas.
    schema("{'type':'object','properties':{'n_1':{'type':'integer'}},"
        + "'patternProperties':{'^n_':{'minimum':5}},'additionalProperties':false}")
        .valid("{}", "{\"n_1\":5}").invalid("{\"n_1\":4}", "{\"n_2\":6}");
    // A pattern every name matches applies to all members.
    schema("{'type':'object','properties':{'a':{}},'patternProperties':{'.*':{'type':'string'}}}")
        .valid("{\"a\":\"x\",\"b\":\"y\"}").invalid("{\"a\":1}", "{\"b\":1}");
  }

  @Test
  void notInItsExpressibleForms() {
    schema("{'not':{'type':['string','object']}}").valid("1", "null", "[]", "true")
        .invalid("\"a\"", "{}");
    schema("{'type':'object','properties':{'a':{},'b':{'type':'integer'}},"
        + "'not':{'required':['a']}}").valid("{}", "{\"b\":1}", "{\"c\":1}")
        .invalid("{\"a\":1}", "{\"a\":1,\"b\":1}", "\"x\"");
    schema("{'type':'object','not':{'required':['a','b']}}").valid("{}", "{\"a\":1}",
        "{\"b\":1,\"c\":2}").invalid("{\"a\":1,\"b\":2}");
    schema("{'type':'object','not':{'anyOf':[{'required':['a']},{'required':['b']}]}}")
        .valid("{}", "{\"c\":1}").invalid("{\"a\":1}", "{\"b\":2}");
    schema("{'not':{'anyOf':[{'type':'string'},{'enum':['x']}]}}").valid("1").invalid("\"x\"",
        "\"y\"");
    schema("{'type':'string','not':{'enum':['a','bc']}}").valid("\"\"", "\"b\"", "\"abc\"",
        "\"bcd\"").invalid("\"a\"", "\"bc\"");
    schema("{'type':'object','properties':{'x':{'not':{}},'y':{'type':'integer'}}}")
        .valid("{\"y\":1}").invalid("{\"x\":1}", "{\"x\":null,\"y\":1}");
    schema("{'oneOf':[{'required':['a']},{'required':['b']}],'type':'object'}")
        .valid("{\"a\":1}", "{\"b\":1}").invalid("{}", "{\"a\":1,\"b\":2}");
  }

  @Test
  void notOfNotAndOfTrivialProperties() {
    schema("{'not':{'not':{'type':'string','maxLength':2}}}").valid("\"ab\"", "\"\"")
        .invalid("\"abc\"", "1", "null");
    schema("{'type':'object','not':{'properties':{'a':{}},'required':['a']}}")
        .valid("{}", "{\"b\":1}").invalid("{\"a\":1}");
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(
        q("{'type':'object','not':{'properties':{'a':{}},'additionalProperties':false}}")));
  }

  @Test
  void formatsWithBoundsThatEveryStringMeets() {
    schema("{'type':'string','format':'uri','minLength':1}").valid("\"a:b\"",
        "\"http://x.org/p\"").invalid("\"\"", "\"ab\"");
    schema("{'type':'string','format':'date','minLength':10,'maxLength':10}")
        .valid("\"2024-02-29\"").invalid("\"2023-02-29\"");
    schema("{'anyOf':[{'type':'string','format':'uuid','maxLength':35},{'type':'null'}]}")
        .valid("null").invalid("\"12345678-1234-1234-1234-123456789012\"");
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(
        q("{'type':'string','format':'email','maxLength':255}")));
  }

  @Test
  void notIntegerBesideIntegerLeavesNoNumber() {
    schema("{'type':['string','integer','null'],'not':{'type':'integer'}}")
        .valid("\"a\"", "null").invalid("-0", "5", "1.5");
    schema("{'not':{'type':'integer'},'type':['integer','boolean']}").valid("true")
        .invalid("0", "7");
    assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(q("{'type':'integer','not':{'type':'integer'}}")));
  }

  @Test
  void dependencies() {
    schema("{'type':'object','properties':{'a':{},'b':{},'c':{}},'additionalProperties':false,"
        + "'dependentRequired':{'a':['b']}}").valid("{}", "{\"b\":1}", "{\"a\":1,\"b\":2}",
        "{\"c\":1}").invalid("{\"a\":1}", "{\"a\":1,\"c\":2}");
    schema("{'$schema':'http://json-schema.org/draft-07/schema#','type':'object',"
        + "'properties':{'a':{},'b':{'type':'integer'}},'additionalProperties':false,"
        + "'dependencies':{'a':{'required':['b'],'properties':{'b':{'minimum':5}}}}}")
        .valid("{}", "{\"b\":1}", "{\"a\":1,\"b\":5}").invalid("{\"a\":1}",
        "{\"a\":1,\"b\":4}");
  }

  @Test
  void unsupportedKeywordsNameThemselves() {
    String[][] cases = {
        {"{'type':'object','properties':{'a':{'not':{'minLength':3}}}}", "#/properties/a/not"},
        {"{'if':{'type':'string'},'then':{'minLength':1}}", "#/if"},
        {"{'type':'array','contains':{'type':'string'}}", "#/contains"},
        {"{'type':'array','uniqueItems':true}", "#/uniqueItems"},
        {"{'$ref':'other.json#/x'}", "#/$ref"},
        {"{'type':'number','multipleOf':0.01}", "#/multipleOf"},
        {"{'type':'integer','multipleOf':3}", "#/multipleOf"},
        {"{'type':'integer','multipleOf':2,'minimum':0}", "#/multipleOf"},
        {"{'type':'integer','multipleOf':2,'minimum':0,'maximum':4000}", "#/multipleOf"},
        {"{'type':'string','format':'ipv6'}", "#/format"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JsonSchemaGrammar.toGbnf(q(c[0])), c[0]);
      assertTrue(e.getMessage().startsWith(c[1] + ":"), e.getMessage());
    }
  }

  @Test
  void limits() {
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf("{",
        JsonSchemaOptions.defaults()));
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf("{} x"));
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      values.append("\"value").append(i).append("\",");
    }
    String big = "{\"enum\":[" + values + "1]}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(big, JsonSchemaOptions.defaults().withMaxSchemaChars(1000)));
    assertTrue(e.getMessage().contains("maxSchemaChars"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(big,
        JsonSchemaOptions.defaults().withMaxGrammarChars(1000)));
    assertTrue(e.getMessage().contains("maxGrammarChars"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(
        q("{'type':'string','minLength':5000}")));
    assertTrue(e.getMessage().startsWith("#/minLength"), e.getMessage());
    // A chain of allOf references that expands exponentially is stopped by the work limit.
    StringBuilder defs = new StringBuilder("{'$defs':{'d0':{'type':'object'}");
    for (int i = 1; i < 40; i++) {
      defs.append(",'d").append(i).append("':{'allOf':[{'$ref':'#/$defs/d").append(i - 1)
          .append("'},{'$ref':'#/$defs/d").append(i - 1).append("'}]}");
    }
    defs.append("},'$ref':'#/$defs/d39'}");
    e = assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(q(defs.toString())));
    assertTrue(e.getMessage().contains("maxWork") || e.getMessage().contains("deeper"),
        e.getMessage());
    // Thousands of properties compile without deep recursion.
    StringBuilder wide = new StringBuilder("{'type':'object','properties':{");
    for (int i = 0; i < 5000; i++) {
      wide.append(i == 0 ? "" : ",").append("'p").append(i).append("':{'type':'integer'}");
    }
    GbnfRecognizer w = new GbnfRecognizer(JsonSchemaGrammar.toGbnf(
        q(wide + "},'required':['p4999']}")));
    assertTrue(w.accepts("{\"p3\":1,\"p4999\":2}"));
    String deep = "{\"items\":".repeat(300) + "{}" + "}".repeat(300);
    assertThrows(IllegalArgumentException.class, () -> JsonSchemaGrammar.toGbnf(deep));
  }

  @Test
  void longPropertyNamesCompileWithoutDeepRecursion() {
    // Groups nest within the GBNF parser's limit.
    Grammar.gbnf(JsonSchemaGrammar.toGbnf(q("{'type':'object','properties':{'"
        + "n".repeat(20_000) + "':{'type':'integer'}}}")));
    String name = "n".repeat(600);
    GbnfRecognizer r = new GbnfRecognizer(JsonSchemaGrammar.toGbnf(q(
        "{'type':'object','properties':{'" + name + "':{'type':'integer'}}}")));
    assertTrue(r.accepts("{\"" + name + "\":1}"));
    assertTrue(r.accepts("{\"" + name.substring(1) + "\":\"x\"}"));
    assertFalse(r.accepts("{\"" + name + "\":\"x\"}"));
    // Past the work limit (each trie node is a step): a clear error, not a stack overflow.
    String huge = "{\"type\":\"object\",\"properties\":{\"" + "m".repeat(2_100_000)
        + "\":{}}}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonSchemaGrammar.toGbnf(huge));
    assertTrue(e.getMessage().contains("maxWork"), e.getMessage());
  }
}
