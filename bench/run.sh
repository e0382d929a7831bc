#!/usr/bin/env bash
# Runs SamplerBenchmark, FloorBenchmark and TextbookBenchmark on one JDK with -prof gc, writes the
# JMH JSON to bench/results/<name>.json and prints the Markdown tables made by ResultsTable (also
# saved as bench/results/<name>.md, with JMH's log as bench/results/<name>.log).
#
# Usage: [JAVA_HOME=/path/to/jdk] [BENCHMARKS=regex] [RESULTS_NAME=name] bench/run.sh [JMH args...]
#
#   JAVA_HOME     the JDK that compiles and runs everything (default: the `java` on PATH)
#   BENCHMARKS    JMH regex of the benchmarks to run (default: the three classes above)
#   RESULTS_NAME  file name of the results, without extension (default: jdk-<java.version>)
#   JMH args      settings and options such as -p or -jvmArgsAppend; when given they replace the
#                 default settings "-f 1 -wi 3 -w 1 -i 5 -r 1" entirely
#
# Example, scalar kernels on JDK 25:
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 RESULTS_NAME=jdk-25-scalar bench/run.sh \
#     -f 1 -wi 3 -w 1 -i 5 -r 1 -jvmArgsAppend -Ddev.tokensampler.kernels=scalar
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ -z "${JAVA_HOME:-}" ]]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
java="$JAVA_HOME/bin/java"

version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.version = //p')
name=${RESULTS_NAME:-jdk-$version}
benchmarks=${BENCHMARKS:-'dev\.tokensampler\.bench\.(Sampler|Floor|Textbook)Benchmark\.'}
if (($# == 0)); then
  set -- -f 1 -wi 3 -w 1 -i 5 -r 1
fi

mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

mkdir -p bench/results
json="bench/results/$name.json"
# The benchmark classes add --add-modules jdk.incubator.vector to every fork themselves.
"$java" -cp "$classpath" org.openjdk.jmh.Main "$benchmarks" -prof gc -rf json -rff "$json" "$@" \
  | tee "bench/results/$name.log"
echo
"$java" -cp "$classpath" dev.tokensampler.bench.ResultsTable "$json" | tee "bench/results/$name.md"
