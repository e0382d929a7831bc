module example.djl {
  requires example.core;
  requires dev.tokensampler;
  requires ai.djl.api;
}
