package dev.tokensampler.internal.jsonschema;

import java.util.Map;
import java.util.Set;

/**
 * GBNF for the string {@code format}s this compiler asserts. Each grammar accepts a subset of the
 * format's strings that every common validator accepts (RFC 3339 dates and times with real month
 * lengths and leap years, RFC 4122 UUIDs, dot-atom e-mail addresses with local parts of up to 64
 * characters, RFC 3986 URIs without IP literals, host names of one to four labels of up to 62 characters whose last label starts with
 * a letter, e-mail domains of two to four labels ending in a common top-level domain such as
 * {@code com}, {@code org} or {@code de}, dotted-quad IPv4).
 */
final class StringFormats {
  private StringFormats() {}

  /** Formats defined by a JSON Schema draft that validators may assert. */
  static final Set<String> KNOWN = Set.of("date-time", "date", "time", "duration", "email",
      "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri",
      "iri-reference", "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex",
      "color", "host-name", "ip-address", "utc-millisec");

  /** Helper rules shared by the formats: name to body. */
  static final Map<String, String> HELPERS = Map.ofEntries(
      Map.entry("fmt-year", "[0-9]{3} [1-9] | [0-9]{2} [1-9] \"0\" | [0-9] [1-9] \"00\""
          + " | [1-9] \"000\""),
      Map.entry("fmt-leap-year", "[0-9]{2} (\"0\" [48] | [2468] [048] | [13579] [26])"
          + " | (\"0\" [48] | [2468] [048] | [13579] [26]) \"00\""),
      Map.entry("fmt-date", "fmt-year \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\""
          + " (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"
          + " | (\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\")"
          + " | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8]))"
          + " | fmt-leap-year \"-02-29\""),
      Map.entry("fmt-time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9]"
          + " (\".\" [0-9]{1,9})? (\"Z\" | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])"),
      Map.entry("fmt-hex", "[0-9a-fA-F]"),
      Map.entry("fmt-uuid", "fmt-hex{8} \"-\" fmt-hex{4} \"-\" fmt-hex{4} \"-\" fmt-hex{4} \"-\""
          + " fmt-hex{12}"),
      Map.entry("fmt-atom", "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]"),
      Map.entry("fmt-label", "[a-zA-Z0-9] ([a-zA-Z0-9-]{0,60} [a-zA-Z0-9])?"),
      // Common top-level domains only: some validators (Commons Validator's, networknt's) check
      // e-mail domains against the IANA list.
      Map.entry("fmt-tld", "\"com\" | \"org\" | \"net\" | \"edu\" | \"gov\" | \"int\" | \"io\""
          + " | \"ai\" | \"app\" | \"dev\" | \"info\" | \"biz\" | \"co\" | \"me\" | \"us\" | \"uk\""
          + " | \"de\" | \"fr\" | \"es\" | \"it\" | \"nl\" | \"ch\" | \"se\" | \"no\" | \"fi\""
          + " | \"dk\" | \"pl\" | \"cz\" | \"at\" | \"be\" | \"ie\" | \"pt\" | \"ru\" | \"jp\""
          + " | \"cn\" | \"kr\" | \"in\" | \"br\" | \"ca\" | \"au\" | \"nz\" | \"za\" | \"mx\""),
      Map.entry("fmt-last-label", "[a-zA-Z] ([a-zA-Z0-9-]{0,60} [a-zA-Z0-9])?"),
      Map.entry("fmt-hostname", "(fmt-label \".\"){0,3} fmt-last-label"),
      Map.entry("fmt-domain", "(fmt-label \".\"){1,3} fmt-tld"),
      // A local part of at most 64 characters (RFC 5321): up to 32, then up to two dot-atoms of
      // up to 15.
      Map.entry("fmt-email", "fmt-atom{1,32} (\".\" fmt-atom{1,15}){0,2} \"@\" fmt-domain"),
      Map.entry("fmt-octet", "\"25\" [0-5] | \"2\" [0-4] [0-9] | \"1\" [0-9] [0-9] | [1-9] [0-9]"
          + " | [0-9]"),
      Map.entry("fmt-ipv4", "fmt-octet \".\" fmt-octet \".\" fmt-octet \".\" fmt-octet"),
      Map.entry("fmt-pct", "\"%\" fmt-hex fmt-hex"),
      Map.entry("fmt-pchar", "[a-zA-Z0-9._~!$&'()*+,;=:@-] | fmt-pct"),
      Map.entry("fmt-pchar-nc", "[a-zA-Z0-9._~!$&'()*+,;=@-] | fmt-pct"),
      Map.entry("fmt-segment", "fmt-pchar*"),
      Map.entry("fmt-authority", "(([a-zA-Z0-9._~!$&'()*+,;=:-] | fmt-pct)* \"@\")?"
          + " ([a-zA-Z0-9._~!$&'()*+,;=-] | fmt-pct)* (\":\" [0-9]*)?"),
      Map.entry("fmt-query", "(\"?\" (fmt-pchar | [/?])*)? (\"#\" (fmt-pchar | [/?])*)?"),
      Map.entry("fmt-uri", "[a-zA-Z] [a-zA-Z0-9+.-]* \":\" (\"//\" fmt-authority (\"/\" fmt-segment)*"
          + " | \"/\" (fmt-pchar+ (\"/\" fmt-segment)*)? | fmt-pchar+ (\"/\" fmt-segment)*)"
          + " fmt-query"),
      Map.entry("fmt-relative-ref", "(\"//\" fmt-authority (\"/\" fmt-segment)*"
          + " | \"/\" (fmt-pchar+ (\"/\" fmt-segment)*)? | fmt-pchar-nc+ (\"/\" fmt-segment)* | )"
          + " fmt-query"),
      Map.entry("fmt-uri-reference", "fmt-uri | fmt-relative-ref"));

  /** The helper rule for a supported format, or null if the format is not supported. */
  static String ruleFor(String format) {
    switch (format) {
      case "date": return "fmt-date";
      case "time": return "fmt-time";
      case "date-time": return "fmt-date-time";
      case "uuid": return "fmt-uuid";
      case "email": return "fmt-email";
      case "hostname": return "fmt-hostname";
      case "ipv4": return "fmt-ipv4";
      case "uri": return "fmt-uri";
      case "uri-reference": return "fmt-uri-reference";
      default: return null;
    }
  }

  /**
   * The shortest and longest string (in characters) of a supported format's grammar above, the
   * longest -1 where there is none; null for an unsupported format.
   */
  static long[] lengths(String format) {
    switch (format) {
      case "date": return new long[] {10, 10};
      case "time": return new long[] {9, 24}; // hh:mm:ss, fraction of up to 9 digits, offset
      case "date-time": return new long[] {20, 35};
      case "uuid": return new long[] {36, 36};
      case "email": return new long[] {6, -1}; // a@b.cc
      case "hostname": return new long[] {1, 251}; // up to four labels of up to 62
      case "ipv4": return new long[] {7, 15};
      case "uri": return new long[] {3, -1}; // a:b
      case "uri-reference": return new long[] {0, -1};
      default: return null;
    }
  }

  /** Defines the rule for a supported format and every helper it uses; returns its name. */
  static String define(String format, GbnfRules rules, Map<String, Boolean> defined) {
    String rule = ruleFor(format);
    if (rule.equals("fmt-date-time")) {
      defineHelper("fmt-date", rules, defined);
      defineHelper("fmt-time", rules, defined);
      if (defined.putIfAbsent("fmt-date-time", Boolean.TRUE) == null) {
        rules.defineFixed("fmt-date-time", "fmt-date \"T\" fmt-time");
      }
      return rule;
    }
    defineHelper(rule, rules, defined);
    return rule;
  }

  private static void defineHelper(String name, GbnfRules rules, Map<String, Boolean> defined) {
    if (defined.putIfAbsent(name, Boolean.TRUE) != null) {
      return;
    }
    String body = HELPERS.get(name);
    rules.defineFixed(name, body);
    for (String dep : HELPERS.keySet()) {
      if (!dep.equals(name) && body.matches(".*(^|[^a-z-])" + dep.replace("-", "\\-")
          + "([^a-z-]|$).*")) {
        defineHelper(dep, rules, defined);
      }
    }
  }
}
