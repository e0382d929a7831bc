module example.json {
  requires example.core;
  requires dev.tokensampler;
  // The library reads generation_config.json with Gson, an optional dependency: on the module
  // path a module that uses GenerationConfigJson brings Gson into the module graph.
  requires com.google.gson;
}
