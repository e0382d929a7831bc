module example.core {
  requires dev.tokensampler;

  exports example.core;
}
