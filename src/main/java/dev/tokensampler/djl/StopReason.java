package dev.tokensampler.djl;

/** Why a {@link TokenStream} ended. */
public enum StopReason {
  /** The last token is one of the end-of-sequence ids ({@code eos_token_id}); it is emitted. */
  END_OF_SEQUENCE,
  /** {@code max_new_tokens} tokens were generated. */
  MAX_NEW_TOKENS,
  /** Prompt plus generated tokens reached {@code max_length} (the model's context). */
  MAX_LENGTH,
  /**
   * The generated text contains one of the {@code stop_strings}; the token completing it is
   * emitted.
   */
  STOP_STRING
}
